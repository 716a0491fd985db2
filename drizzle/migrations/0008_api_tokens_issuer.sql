ALTER TABLE "access"."api_tokens" ADD COLUMN "issuer_organisation_id" uuid;--> statement-breakpoint
ALTER TABLE "access"."api_tokens" ADD CONSTRAINT "api_tokens_issuer_organisation_id_organisations_id_fk" FOREIGN KEY ("issuer_organisation_id") REFERENCES "clients"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- Existing tokens: the region of the registrar who issued them; else the only region that commissions the partner.
-- A token left without an issuer reaches nothing (fail closed) until a registrar issues a new one.
UPDATE "access"."api_tokens" t SET "issuer_organisation_id" = u."organisation_id" FROM "access"."users" u WHERE u."id" = t."created_by" AND t."issuer_organisation_id" IS NULL;--> statement-breakpoint
UPDATE "access"."api_tokens" t SET "issuer_organisation_id" = (
  SELECT DISTINCT un."organisation_id" FROM "clients"."commissions" c JOIN "clients"."units" un ON un."id" = c."commissioner_unit_id"
  WHERE c."partner_organisation_id" = t."organisation_id")
WHERE t."issuer_organisation_id" IS NULL AND (
  SELECT count(DISTINCT un."organisation_id") FROM "clients"."commissions" c JOIN "clients"."units" un ON un."id" = c."commissioner_unit_id"
  WHERE c."partner_organisation_id" = t."organisation_id") = 1;
