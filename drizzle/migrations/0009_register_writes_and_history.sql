CREATE SCHEMA "history";
--> statement-breakpoint
ALTER TYPE "clients"."guardian_kind" ADD VALUE 'CONTACT_PERSON';--> statement-breakpoint
ALTER TYPE "clients"."guardian_kind" ADD VALUE 'RELATIVE';--> statement-breakpoint
CREATE TABLE "access"."user_commitments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"signed_on" date NOT NULL,
	"document_reference" text,
	"recorded_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "history"."revisions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"entity_type" text NOT NULL,
	"entity_id" uuid NOT NULL,
	"client_id" uuid,
	"revision" integer NOT NULL,
	"fields" text[] NOT NULL,
	"previous" jsonb NOT NULL,
	"changed_by" uuid,
	"changed_by_kind" text NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"reason" text,
	CONSTRAINT "revisions_revision_check" CHECK ("history"."revisions"."revision" >= 1)
);
--> statement-breakpoint
ALTER TABLE "access"."grants" ADD COLUMN "granted_by" uuid;--> statement-breakpoint
ALTER TABLE "access"."grants" ADD COLUMN "revoked_by" uuid;--> statement-breakpoint
ALTER TABLE "access"."users" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "access"."users" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "clients"."commissions" ADD COLUMN "partner_scopes" text[] DEFAULT '{clients:read,services:read,documents:read,documents:write}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "clients"."commissions" ADD COLUMN "created_by" uuid;--> statement-breakpoint
ALTER TABLE "clients"."commissions" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "clients"."consents" ADD COLUMN "scope" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "clients"."consents" ADD COLUMN "recorded_by" uuid;--> statement-breakpoint
ALTER TABLE "clients"."consents" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "clients"."guardians" ADD COLUMN "email" text;--> statement-breakpoint
ALTER TABLE "clients"."guardians" ADD COLUMN "relation" text;--> statement-breakpoint
ALTER TABLE "clients"."guardians" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "clients"."guardians" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "services"."decisions" ADD COLUMN "notified_on" date;--> statement-breakpoint
ALTER TABLE "services"."decisions" ADD COLUMN "notification_method" text;--> statement-breakpoint
ALTER TABLE "services"."decisions" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "services"."decisions" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "services"."placements" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "services"."placements" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "documents"."disclosures" ADD COLUMN "request_description" text;--> statement-breakpoint
ALTER TABLE "documents"."disclosures" ADD COLUMN "requested_on" date;--> statement-breakpoint
ALTER TABLE "access"."user_commitments" ADD CONSTRAINT "user_commitments_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "access"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access"."user_commitments" ADD CONSTRAINT "user_commitments_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "access"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "user_commitments_user_idx" ON "access"."user_commitments" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "revisions_entity_revision_idx" ON "history"."revisions" USING btree ("entity_type","entity_id","revision");--> statement-breakpoint
CREATE INDEX "revisions_client_idx" ON "history"."revisions" USING btree ("client_id");--> statement-breakpoint
ALTER TABLE "clients"."commissions" ADD CONSTRAINT "commissions_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "access"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "clients"."consents" ADD CONSTRAINT "consents_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "access"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- Grants now take effect only after the user's use and confidentiality commitment is recorded. Users of an
-- existing deployment signed theirs on paper before Vartija kept them: one entry each, marked as such.
INSERT INTO "access"."user_commitments" ("user_id", "signed_on", "document_reference")
SELECT u."id", u."created_at"::date, 'recorded before Vartija kept commitments (migration 0009)' FROM "access"."users" u;
