ALTER TABLE "clients"."consents" ADD COLUMN "unit_id" uuid;--> statement-breakpoint
ALTER TABLE "documents"."data_subject_requests" ADD COLUMN "unit_id" uuid;--> statement-breakpoint
ALTER TABLE "clients"."consents" ADD CONSTRAINT "consents_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "clients"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents"."data_subject_requests" ADD CONSTRAINT "data_subject_requests_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "clients"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "consents_unit_idx" ON "clients"."consents" USING btree ("unit_id");--> statement-breakpoint
CREATE INDEX "data_subject_requests_unit_idx" ON "documents"."data_subject_requests" USING btree ("unit_id");--> statement-breakpoint
-- Existing rows: the unit of the client's earliest relationship (where the consent or request most likely arose).
UPDATE "clients"."consents" c SET "unit_id" = (SELECT r."unit_id" FROM "clients"."client_relationships" r WHERE r."client_id" = c."client_id" ORDER BY r."started_on", r."id" LIMIT 1) WHERE c."unit_id" IS NULL;--> statement-breakpoint
UPDATE "documents"."data_subject_requests" d SET "unit_id" = (SELECT r."unit_id" FROM "clients"."client_relationships" r WHERE r."client_id" = d."client_id" ORDER BY r."started_on", r."id" LIMIT 1) WHERE d."unit_id" IS NULL;
