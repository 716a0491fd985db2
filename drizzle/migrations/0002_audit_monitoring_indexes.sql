DROP INDEX "audit"."entries_at_idx";--> statement-breakpoint
CREATE INDEX "entries_at_actor_client_idx" ON "audit"."entries" USING btree ("at","actor_id","client_id");