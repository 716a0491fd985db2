-- The new index is built first (reads go on meanwhile; CREATE INDEX blocks only writes), then the old one is
-- dropped: its exclusive lock is then held only until the commit that follows.
CREATE INDEX "client_relationships_unit_client_idx" ON "clients"."client_relationships" USING btree ("unit_id","client_id","ended_on");--> statement-breakpoint
DROP INDEX "clients"."client_relationships_unit_idx";