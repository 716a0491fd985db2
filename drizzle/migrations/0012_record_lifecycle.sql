CREATE SCHEMA "lifecycle";
--> statement-breakpoint
CREATE TYPE "lifecycle"."disposal_action" AS ENUM('DELETE', 'ANONYMISE');--> statement-breakpoint
CREATE TYPE "lifecycle"."disposal_run_status" AS ENUM('DRY_RUN', 'COMPLETED', 'PARTIAL', 'NOT_DUE');--> statement-breakpoint
CREATE TYPE "lifecycle"."handover_status" AS ENUM('PACKAGED', 'CONFIRMED');--> statement-breakpoint
CREATE TYPE "lifecycle"."retention_trigger" AS ENUM('RELATIONSHIP_END', 'CLIENT_DEATH');--> statement-breakpoint
CREATE TABLE "lifecycle"."disposal_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organisation_id" uuid NOT NULL,
	"as_of" date NOT NULL,
	"dry_run" boolean NOT NULL,
	"status" "lifecycle"."disposal_run_status" NOT NULL,
	"approved_by" uuid,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"classes" jsonb NOT NULL,
	"counts" jsonb NOT NULL,
	"clients" integer DEFAULT 0 NOT NULL,
	"failed_clients" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "lifecycle"."disposed_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"organisation_id" uuid NOT NULL,
	"person_key" uuid NOT NULL,
	"kind" text NOT NULL,
	"service_task" text,
	"birth_year" integer,
	"municipality" text,
	"category" text,
	"outcome" text,
	"started_on" date,
	"ended_on" date,
	"quantity" integer DEFAULT 1 NOT NULL,
	"disposal_run_id" uuid
);
--> statement-breakpoint
CREATE TABLE "lifecycle"."handovers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"commission_id" uuid NOT NULL,
	"client_id" uuid NOT NULL,
	"partner_organisation_id" uuid NOT NULL,
	"recipient_organisation_id" uuid NOT NULL,
	"recipient_unit_id" uuid NOT NULL,
	"status" "lifecycle"."handover_status" DEFAULT 'PACKAGED' NOT NULL,
	"legal_basis" text NOT NULL,
	"manifest" jsonb NOT NULL,
	"packaged_at" timestamp with time zone DEFAULT now() NOT NULL,
	"packaged_by" uuid NOT NULL,
	"packaged_by_kind" text NOT NULL,
	"confirmed_at" timestamp with time zone,
	"confirmed_by" uuid
);
--> statement-breakpoint
CREATE TABLE "lifecycle"."research_permits" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organisation_id" uuid NOT NULL,
	"permit_number" text NOT NULL,
	"researcher" text NOT NULL,
	"research_organisation" text NOT NULL,
	"purpose" text NOT NULL,
	"fields" text[] NOT NULL,
	"service_tasks" text[] NOT NULL,
	"period_from" date NOT NULL,
	"period_to" date NOT NULL,
	"expires_on" date NOT NULL,
	"pseudonym_key" text NOT NULL,
	"recorded_by" uuid,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "research_permits_period_check" CHECK ("lifecycle"."research_permits"."period_to" >= "lifecycle"."research_permits"."period_from")
);
--> statement-breakpoint
CREATE TABLE "lifecycle"."retention_classes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organisation_id" uuid NOT NULL,
	"service_task" "clients"."service_task",
	"record_type" text,
	"trigger" "lifecycle"."retention_trigger" NOT NULL,
	"retain_months" integer NOT NULL,
	"action" "lifecycle"."disposal_action" DEFAULT 'DELETE' NOT NULL,
	"legal_source" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "retention_classes_key" UNIQUE NULLS NOT DISTINCT("organisation_id","service_task","record_type"),
	CONSTRAINT "retention_classes_months_check" CHECK ("lifecycle"."retention_classes"."retain_months" >= 0 AND "lifecycle"."retention_classes"."retain_months" <= 1800),
	CONSTRAINT "retention_classes_record_type_check" CHECK (record_type IS NULL OR record_type IN ('CLIENT', 'RELATIONSHIP', 'GUARDIAN', 'CONSENT', 'COMMISSION', 'DOCUMENT', 'DECISION', 'PLACEMENT', 'FINANCIAL', 'RESTRICTION', 'ASSISTANCE_REQUEST', 'MEDICATION', 'DISCLOSURE', 'DATA_SUBJECT_REQUEST'))
);
--> statement-breakpoint
CREATE TABLE "lifecycle"."retention_settings" (
	"organisation_id" uuid PRIMARY KEY NOT NULL,
	"disposal_months" integer[] DEFAULT '{}'::integer[] NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "clients"."clients" ADD COLUMN "statistics_key" uuid DEFAULT gen_random_uuid() NOT NULL;--> statement-breakpoint
ALTER TABLE "lifecycle"."disposal_runs" ADD CONSTRAINT "disposal_runs_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "clients"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lifecycle"."disposal_runs" ADD CONSTRAINT "disposal_runs_approved_by_users_id_fk" FOREIGN KEY ("approved_by") REFERENCES "access"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lifecycle"."disposed_events" ADD CONSTRAINT "disposed_events_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "clients"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lifecycle"."disposed_events" ADD CONSTRAINT "disposed_events_disposal_run_id_disposal_runs_id_fk" FOREIGN KEY ("disposal_run_id") REFERENCES "lifecycle"."disposal_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lifecycle"."handovers" ADD CONSTRAINT "handovers_commission_id_commissions_id_fk" FOREIGN KEY ("commission_id") REFERENCES "clients"."commissions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lifecycle"."handovers" ADD CONSTRAINT "handovers_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "clients"."clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lifecycle"."handovers" ADD CONSTRAINT "handovers_partner_organisation_id_organisations_id_fk" FOREIGN KEY ("partner_organisation_id") REFERENCES "clients"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lifecycle"."handovers" ADD CONSTRAINT "handovers_recipient_organisation_id_organisations_id_fk" FOREIGN KEY ("recipient_organisation_id") REFERENCES "clients"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lifecycle"."handovers" ADD CONSTRAINT "handovers_recipient_unit_id_units_id_fk" FOREIGN KEY ("recipient_unit_id") REFERENCES "clients"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lifecycle"."handovers" ADD CONSTRAINT "handovers_confirmed_by_users_id_fk" FOREIGN KEY ("confirmed_by") REFERENCES "access"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lifecycle"."research_permits" ADD CONSTRAINT "research_permits_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "clients"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lifecycle"."research_permits" ADD CONSTRAINT "research_permits_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "access"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lifecycle"."retention_classes" ADD CONSTRAINT "retention_classes_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "clients"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lifecycle"."retention_settings" ADD CONSTRAINT "retention_settings_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "clients"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lifecycle"."retention_settings" ADD CONSTRAINT "retention_settings_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "access"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "disposal_runs_organisation_idx" ON "lifecycle"."disposal_runs" USING btree ("organisation_id","started_at");--> statement-breakpoint
CREATE INDEX "disposed_events_organisation_idx" ON "lifecycle"."disposed_events" USING btree ("organisation_id","kind");--> statement-breakpoint
CREATE UNIQUE INDEX "handovers_commission_idx" ON "lifecycle"."handovers" USING btree ("commission_id");--> statement-breakpoint
CREATE INDEX "handovers_client_idx" ON "lifecycle"."handovers" USING btree ("client_id");--> statement-breakpoint
CREATE UNIQUE INDEX "research_permits_number_idx" ON "lifecycle"."research_permits" USING btree ("organisation_id","permit_number");