CREATE TYPE "documents"."data_subject_request_channel" AS ENUM('LETTER', 'IN_PERSON', 'E_SERVICE', 'EMAIL');--> statement-breakpoint
CREATE TYPE "documents"."data_subject_request_outcome" AS ENUM('GRANTED', 'PARTLY_GRANTED', 'REFUSED');--> statement-breakpoint
CREATE TYPE "documents"."data_subject_requester_kind" AS ENUM('CLIENT', 'GUARDIAN', 'LEGAL_REPRESENTATIVE');--> statement-breakpoint
CREATE TYPE "documents"."identity_verification" AS ENUM('IN_PERSON_ID_DOCUMENT', 'STRONG_ELECTRONIC', 'SIGNED_DOCUMENT', 'KNOWN_TO_STAFF');--> statement-breakpoint
ALTER TYPE "documents"."data_subject_request_status" ADD VALUE 'EXTENDED';--> statement-breakpoint
ALTER TYPE "documents"."data_subject_request_status" ADD VALUE 'GRANTED';--> statement-breakpoint
ALTER TYPE "documents"."data_subject_request_status" ADD VALUE 'PARTLY_GRANTED';--> statement-breakpoint
ALTER TABLE "documents"."data_subject_requests" DROP CONSTRAINT "data_subject_requests_refusal_check";--> statement-breakpoint
ALTER TABLE "documents"."data_subject_requests" ADD COLUMN "requester_kind" "documents"."data_subject_requester_kind";--> statement-breakpoint
ALTER TABLE "documents"."data_subject_requests" ADD COLUMN "requester_name" text;--> statement-breakpoint
ALTER TABLE "documents"."data_subject_requests" ADD COLUMN "identity_verification" "documents"."identity_verification";--> statement-breakpoint
ALTER TABLE "documents"."data_subject_requests" ADD COLUMN "identity_verification_note" text;--> statement-breakpoint
ALTER TABLE "documents"."data_subject_requests" ADD COLUMN "channel" "documents"."data_subject_request_channel";--> statement-breakpoint
ALTER TABLE "documents"."data_subject_requests" ADD COLUMN "subject" text;--> statement-breakpoint
ALTER TABLE "documents"."data_subject_requests" ADD COLUMN "received_by" uuid;--> statement-breakpoint
ALTER TABLE "documents"."data_subject_requests" ADD COLUMN "due_on" date GENERATED ALWAYS AS ((received_on + interval '1 month')::date) STORED NOT NULL;--> statement-breakpoint
ALTER TABLE "documents"."data_subject_requests" ADD COLUMN "extended_due_on" date;--> statement-breakpoint
ALTER TABLE "documents"."data_subject_requests" ADD COLUMN "extension_reason" text;--> statement-breakpoint
ALTER TABLE "documents"."data_subject_requests" ADD COLUMN "extended_by" uuid;--> statement-breakpoint
ALTER TABLE "documents"."data_subject_requests" ADD COLUMN "outcome" "documents"."data_subject_request_outcome";--> statement-breakpoint
ALTER TABLE "documents"."data_subject_requests" ADD COLUMN "legal_ground" text;--> statement-breakpoint
ALTER TABLE "documents"."data_subject_requests" ADD COLUMN "reasons" text;--> statement-breakpoint
ALTER TABLE "documents"."data_subject_requests" ADD COLUMN "decided_by" uuid;--> statement-breakpoint
ALTER TABLE "documents"."data_subject_requests" ADD COLUMN "fee_charged" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "documents"."data_subject_requests" ADD COLUMN "fee_ground" text;--> statement-breakpoint
ALTER TABLE "documents"."data_subject_requests" ADD COLUMN "objection_recipient_organisation_id" uuid;--> statement-breakpoint
ALTER TABLE "documents"."data_subject_requests" ADD COLUMN "objection_recipient_name" text;--> statement-breakpoint
ALTER TABLE "documents"."data_subject_requests" ADD COLUMN "objection_all_non_statutory" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "documents"."data_subject_requests" ADD COLUMN "corrected_entity_type" text;--> statement-breakpoint
ALTER TABLE "documents"."data_subject_requests" ADD COLUMN "corrected_entity_id" uuid;--> statement-breakpoint
ALTER TABLE "documents"."data_subject_requests" ADD COLUMN "corrected_revision" integer;--> statement-breakpoint
ALTER TABLE "documents"."data_subject_requests" ADD CONSTRAINT "data_subject_requests_received_by_users_id_fk" FOREIGN KEY ("received_by") REFERENCES "access"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents"."data_subject_requests" ADD CONSTRAINT "data_subject_requests_extended_by_users_id_fk" FOREIGN KEY ("extended_by") REFERENCES "access"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents"."data_subject_requests" ADD CONSTRAINT "data_subject_requests_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "access"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents"."data_subject_requests" ADD CONSTRAINT "data_subject_requests_objection_recipient_organisation_id_organisations_id_fk" FOREIGN KEY ("objection_recipient_organisation_id") REFERENCES "clients"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- Requests decided before issue 12: COMPLETED stays readable as a status, its outcome is GRANTED; a
-- refusal keeps its reasons, and its legal ground is marked as not recorded (it was not kept then).
UPDATE "documents"."data_subject_requests" SET "outcome" = 'GRANTED', "decided_by" = "handled_by" WHERE "status" = 'COMPLETED';--> statement-breakpoint
UPDATE "documents"."data_subject_requests" SET "outcome" = 'REFUSED', "decided_by" = "handled_by", "reasons" = "refusal_reason",
  "legal_ground" = 'not recorded (decided before issue 12)' WHERE "status" = 'REFUSED';--> statement-breakpoint
CREATE INDEX "data_subject_requests_due_idx" ON "documents"."data_subject_requests" USING btree ("due_on");--> statement-breakpoint
ALTER TABLE "documents"."data_subject_requests" ADD CONSTRAINT "data_subject_requests_refusal_grounds_check" CHECK ("documents"."data_subject_requests"."outcome" IS NULL OR "documents"."data_subject_requests"."outcome" = 'GRANTED' OR ("documents"."data_subject_requests"."reasons" IS NOT NULL AND "documents"."data_subject_requests"."legal_ground" IS NOT NULL));--> statement-breakpoint
ALTER TABLE "documents"."data_subject_requests" ADD CONSTRAINT "data_subject_requests_extension_check" CHECK ("documents"."data_subject_requests"."extended_due_on" IS NULL OR ("documents"."data_subject_requests"."extension_reason" IS NOT NULL AND "documents"."data_subject_requests"."extended_due_on" > "documents"."data_subject_requests"."due_on" AND "documents"."data_subject_requests"."extended_due_on" <= ("documents"."data_subject_requests"."due_on" + interval '2 months')::date));--> statement-breakpoint
ALTER TABLE "documents"."data_subject_requests" ADD CONSTRAINT "data_subject_requests_fee_check" CHECK (NOT "documents"."data_subject_requests"."fee_charged" OR "documents"."data_subject_requests"."fee_ground" IS NOT NULL);--> statement-breakpoint
ALTER TABLE "documents"."data_subject_requests" ADD CONSTRAINT "data_subject_requests_refusal_check" CHECK ("documents"."data_subject_requests"."status" <> 'REFUSED' OR "documents"."data_subject_requests"."refusal_reason" IS NOT NULL OR "documents"."data_subject_requests"."reasons" IS NOT NULL);