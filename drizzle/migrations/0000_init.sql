CREATE SCHEMA "access";
--> statement-breakpoint
CREATE SCHEMA "clients";
--> statement-breakpoint
CREATE SCHEMA "services";
--> statement-breakpoint
CREATE SCHEMA "documents";
--> statement-breakpoint
CREATE SCHEMA "audit";
--> statement-breakpoint
CREATE TYPE "access"."role" AS ENUM('SOCIAL_WORKER', 'MANAGER', 'STUDENT', 'BILLING', 'AUDITOR', 'REGISTRAR');--> statement-breakpoint
CREATE TYPE "clients"."commission_kind" AS ENUM('PLACEMENT', 'SUPPORT', 'ASSESSMENT');--> statement-breakpoint
CREATE TYPE "clients"."guardian_kind" AS ENUM('PARENT', 'CUSTODIAN', 'LEGAL_REPRESENTATIVE');--> statement-breakpoint
CREATE TYPE "clients"."organisation_kind" AS ENUM('WELFARE_REGION', 'SERVICE_PROVIDER');--> statement-breakpoint
CREATE TYPE "clients"."service_task" AS ENUM('CHILD_WELFARE', 'FAMILY_SERVICES', 'ADULT_SOCIAL_WORK', 'SUBSTANCE_ABUSE', 'DISABILITY_SERVICES', 'OLDER_PEOPLE', 'FAMILY_LAW', 'EMERGENCY_SOCIAL_SERVICES');--> statement-breakpoint
CREATE TYPE "services"."assistance_status" AS ENUM('REQUESTED', 'GRANTED', 'DECLINED');--> statement-breakpoint
CREATE TYPE "services"."decision_type" AS ENUM('EMERGENCY_PLACEMENT', 'TAKING_INTO_CARE', 'SUBSTITUTE_CARE', 'OPEN_CARE_SUPPORT', 'AFTERCARE', 'FAMILY_WORK', 'SOCIAL_SERVICE', 'TERMINATION');--> statement-breakpoint
CREATE TYPE "services"."invoice_status" AS ENUM('DRAFT', 'SENT', 'PAID', 'CANCELLED');--> statement-breakpoint
CREATE TYPE "services"."placement_kind" AS ENUM('FAMILY_CARE', 'INSTITUTIONAL_CARE', 'PROFESSIONAL_FAMILY_HOME', 'OPEN_CARE_SUPPORT', 'KINSHIP_CARE');--> statement-breakpoint
CREATE TYPE "services"."restriction_kind" AS ENUM('CONTACT_RESTRICTION', 'CONFISCATION', 'BODY_SEARCH', 'RESTRICTION_OF_MOVEMENT', 'ISOLATION', 'SPECIAL_CARE');--> statement-breakpoint
CREATE TYPE "documents"."data_subject_request_kind" AS ENUM('ACCESS', 'RECTIFICATION', 'RESTRICTION', 'OBJECTION');--> statement-breakpoint
CREATE TYPE "documents"."data_subject_request_status" AS ENUM('RECEIVED', 'COMPLETED', 'REFUSED');--> statement-breakpoint
CREATE TYPE "documents"."document_type" AS ENUM('CASE_NOTE', 'CLIENT_PLAN', 'NEEDS_ASSESSMENT', 'MEETING_MEMO', 'STATEMENT', 'REPORT', 'CHILD_WELFARE_NOTIFICATION');--> statement-breakpoint
CREATE TYPE "audit"."actor_kind" AS ENUM('USER', 'PARTNER', 'SYSTEM');--> statement-breakpoint
CREATE TYPE "audit"."action" AS ENUM('READ', 'CREATE', 'UPDATE', 'DELETE', 'PRINT', 'EXPORT', 'DISCLOSE');--> statement-breakpoint
CREATE TYPE "audit"."outcome" AS ENUM('ALLOWED', 'DENIED');--> statement-breakpoint
CREATE TABLE "access"."api_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organisation_id" uuid NOT NULL,
	"name" text NOT NULL,
	"token_prefix" text NOT NULL,
	"secret_hash" text NOT NULL,
	"scopes" text[] NOT NULL,
	"allowed_operations" text[],
	"rate_limit_per_minute" integer DEFAULT 600 NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	"last_used_at" timestamp with time zone,
	"rotated_from_id" uuid,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "api_tokens_rate_limit_check" CHECK ("access"."api_tokens"."rate_limit_per_minute" > 0)
);
--> statement-breakpoint
CREATE TABLE "access"."grants" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"role" "access"."role" NOT NULL,
	"organisation_id" uuid NOT NULL,
	"unit_id" uuid,
	"valid_from" timestamp with time zone DEFAULT now() NOT NULL,
	"valid_until" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "grants_validity_check" CHECK ("access"."grants"."valid_until" IS NULL OR "access"."grants"."valid_until" > "access"."grants"."valid_from"),
	CONSTRAINT "grants_unit_scope_check" CHECK (("access"."grants"."role" IN ('SOCIAL_WORKER', 'MANAGER', 'STUDENT')) = ("access"."grants"."unit_id" IS NOT NULL))
);
--> statement-breakpoint
CREATE TABLE "access"."persisted_operations" (
	"id" text PRIMARY KEY NOT NULL,
	"sha256" text NOT NULL,
	"operation_name" text,
	"document" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "persisted_operations_sha256_unique" UNIQUE("sha256")
);
--> statement-breakpoint
CREATE TABLE "access"."users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"login" text NOT NULL,
	"display_name" text NOT NULL,
	"organisation_id" uuid NOT NULL,
	"external_subject" text,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_login_unique" UNIQUE("login"),
	CONSTRAINT "users_external_subject_unique" UNIQUE("external_subject")
);
--> statement-breakpoint
CREATE TABLE "clients"."client_relationships" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"client_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"service_task" "clients"."service_task" NOT NULL,
	"started_on" date NOT NULL,
	"ended_on" date,
	"responsible_worker_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "client_relationships_period_check" CHECK ("clients"."client_relationships"."ended_on" IS NULL OR "clients"."client_relationships"."ended_on" >= "clients"."client_relationships"."started_on")
);
--> statement-breakpoint
CREATE TABLE "clients"."clients" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organisation_id" uuid NOT NULL,
	"first_name" text,
	"last_name" text,
	"pseudonym" text,
	"personal_identity_code" text,
	"date_of_birth" date,
	"date_of_death" date,
	"municipality" text,
	"street_address" text,
	"postal_code" text,
	"post_office" text,
	"phone" text,
	"email" text,
	"mother_tongue" text,
	"service_language" text,
	"nationality" text,
	"marital_status" text,
	"address_non_disclosure" boolean DEFAULT false NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "clients_has_name_check" CHECK ("clients"."clients"."pseudonym" IS NOT NULL OR ("clients"."clients"."first_name" IS NOT NULL AND "clients"."clients"."last_name" IS NOT NULL))
);
--> statement-breakpoint
CREATE TABLE "clients"."commissions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"client_id" uuid NOT NULL,
	"commissioner_unit_id" uuid NOT NULL,
	"partner_organisation_id" uuid NOT NULL,
	"kind" "clients"."commission_kind" NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "commissions_period_check" CHECK ("clients"."commissions"."ends_on" IS NULL OR "clients"."commissions"."ends_on" >= "clients"."commissions"."starts_on")
);
--> statement-breakpoint
CREATE TABLE "clients"."consents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"client_id" uuid NOT NULL,
	"recipient_organisation_id" uuid,
	"recipient_name" text NOT NULL,
	"purpose" text NOT NULL,
	"given_on" date NOT NULL,
	"withdrawn_on" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "clients"."guardians" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"client_id" uuid NOT NULL,
	"kind" "clients"."guardian_kind" NOT NULL,
	"first_name" text NOT NULL,
	"last_name" text NOT NULL,
	"has_custody" boolean DEFAULT false NOT NULL,
	"phone" text,
	"street_address" text,
	"postal_code" text,
	"post_office" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "clients"."organisations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"kind" "clients"."organisation_kind" NOT NULL,
	"business_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "organisations_code_unique" UNIQUE("code"),
	CONSTRAINT "organisations_business_id_unique" UNIQUE("business_id")
);
--> statement-breakpoint
CREATE TABLE "clients"."units" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organisation_id" uuid NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"service_task" "clients"."service_task" NOT NULL,
	"visibility_window_months" integer DEFAULT 12 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "units_code_unique" UNIQUE("code"),
	CONSTRAINT "units_visibility_window_check" CHECK ("clients"."units"."visibility_window_months" >= 0)
);
--> statement-breakpoint
CREATE TABLE "services"."assistance_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"client_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"requested_from" text NOT NULL,
	"reason" text NOT NULL,
	"status" "services"."assistance_status" DEFAULT 'REQUESTED' NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"requested_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "services"."care_days" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"placement_id" uuid NOT NULL,
	"day" date NOT NULL,
	"cost_cents" integer NOT NULL,
	CONSTRAINT "care_days_cost_check" CHECK ("services"."care_days"."cost_cents" >= 0)
);
--> statement-breakpoint
CREATE TABLE "services"."decisions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"client_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"commission_id" uuid,
	"type" "services"."decision_type" NOT NULL,
	"legal_act" text NOT NULL,
	"legal_section" text NOT NULL,
	"decided_at" timestamp with time zone NOT NULL,
	"decision_maker_id" uuid,
	"content" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "services"."invoices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"payment_commitment_id" uuid NOT NULL,
	"provider_organisation_id" uuid,
	"period_start" date NOT NULL,
	"period_end" date NOT NULL,
	"amount_cents" bigint NOT NULL,
	"status" "services"."invoice_status" DEFAULT 'DRAFT' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "invoices_period_check" CHECK ("services"."invoices"."period_end" >= "services"."invoices"."period_start")
);
--> statement-breakpoint
CREATE TABLE "services"."medications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"client_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"placement_id" uuid,
	"medicine" text NOT NULL,
	"dose" text NOT NULL,
	"given_at" timestamp with time zone NOT NULL,
	"given_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "services"."payment_commitments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"client_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"placement_id" uuid,
	"provider_organisation_id" uuid,
	"amount_cents" bigint NOT NULL,
	"valid_from" date NOT NULL,
	"valid_until" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "services"."placements" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"client_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"commission_id" uuid,
	"decision_id" uuid,
	"kind" "services"."placement_kind" NOT NULL,
	"provider_organisation_id" uuid,
	"provider_name" text NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "placements_period_check" CHECK ("services"."placements"."ends_on" IS NULL OR "services"."placements"."ends_on" >= "services"."placements"."starts_on")
);
--> statement-breakpoint
CREATE TABLE "services"."restrictions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"client_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"placement_id" uuid,
	"kind" "services"."restriction_kind" NOT NULL,
	"reason" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone,
	"decided_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "documents"."data_subject_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"client_id" uuid NOT NULL,
	"kind" "documents"."data_subject_request_kind" NOT NULL,
	"status" "documents"."data_subject_request_status" DEFAULT 'RECEIVED' NOT NULL,
	"received_on" date NOT NULL,
	"decided_on" date,
	"refusal_reason" text,
	"handled_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "data_subject_requests_refusal_check" CHECK ("documents"."data_subject_requests"."status" <> 'REFUSED' OR "documents"."data_subject_requests"."refusal_reason" IS NOT NULL)
);
--> statement-breakpoint
CREATE TABLE "documents"."disclosure_documents" (
	"disclosure_id" uuid NOT NULL,
	"document_id" uuid NOT NULL,
	CONSTRAINT "disclosure_documents_disclosure_id_document_id_pk" PRIMARY KEY("disclosure_id","document_id")
);
--> statement-breakpoint
CREATE TABLE "documents"."disclosures" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"client_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"recipient_organisation_id" uuid,
	"recipient_name" text NOT NULL,
	"legal_basis" text,
	"consent_id" uuid,
	"disclosed_at" timestamp with time zone NOT NULL,
	"disclosed_by" uuid,
	CONSTRAINT "disclosures_basis_check" CHECK ("documents"."disclosures"."legal_basis" IS NOT NULL OR "documents"."disclosures"."consent_id" IS NOT NULL)
);
--> statement-breakpoint
CREATE TABLE "documents"."document_revisions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"document_id" uuid NOT NULL,
	"revision" integer NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"author_id" uuid,
	"reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "document_revisions_reason_check" CHECK ("documents"."document_revisions"."revision" = 1 OR "documents"."document_revisions"."reason" IS NOT NULL)
);
--> statement-breakpoint
CREATE TABLE "documents"."documents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"client_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"relationship_id" uuid,
	"commission_id" uuid,
	"author_id" uuid,
	"author_organisation_id" uuid NOT NULL,
	"type" "documents"."document_type" NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"current_revision" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit"."chain_head" (
	"id" text PRIMARY KEY NOT NULL,
	"seq" bigint NOT NULL,
	"hash" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit"."entries" (
	"seq" bigint NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"request_id" text NOT NULL,
	"operation_name" text,
	"subgraph" text NOT NULL,
	"actor_kind" "audit"."actor_kind" NOT NULL,
	"actor_id" text NOT NULL,
	"actor_role" text,
	"organisation_id" uuid,
	"unit_id" uuid,
	"client_id" uuid,
	"entity_type" text NOT NULL,
	"entity_id" text,
	"action" "audit"."action" NOT NULL,
	"outcome" "audit"."outcome" NOT NULL,
	"fields" text[] NOT NULL,
	"categories" text[] NOT NULL,
	"purpose" text,
	"emergency" boolean DEFAULT false NOT NULL,
	"caller_address" text,
	"reason" text,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL,
	CONSTRAINT "entries_seq_at_pk" PRIMARY KEY("seq","at")
);
--> statement-breakpoint
CREATE TABLE "audit"."retention_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"ran_at" timestamp with time zone DEFAULT now() NOT NULL,
	"cutoff" timestamp with time zone NOT NULL,
	"removed_count" bigint NOT NULL,
	"first_kept_seq" bigint,
	"first_kept_prev_hash" text
);
--> statement-breakpoint
ALTER TABLE "access"."api_tokens" ADD CONSTRAINT "api_tokens_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "clients"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access"."api_tokens" ADD CONSTRAINT "api_tokens_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "access"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access"."grants" ADD CONSTRAINT "grants_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "access"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access"."grants" ADD CONSTRAINT "grants_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "clients"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access"."grants" ADD CONSTRAINT "grants_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "clients"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access"."users" ADD CONSTRAINT "users_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "clients"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "clients"."client_relationships" ADD CONSTRAINT "client_relationships_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "clients"."clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "clients"."client_relationships" ADD CONSTRAINT "client_relationships_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "clients"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "clients"."client_relationships" ADD CONSTRAINT "client_relationships_responsible_worker_id_users_id_fk" FOREIGN KEY ("responsible_worker_id") REFERENCES "access"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "clients"."clients" ADD CONSTRAINT "clients_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "clients"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "clients"."commissions" ADD CONSTRAINT "commissions_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "clients"."clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "clients"."commissions" ADD CONSTRAINT "commissions_commissioner_unit_id_units_id_fk" FOREIGN KEY ("commissioner_unit_id") REFERENCES "clients"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "clients"."commissions" ADD CONSTRAINT "commissions_partner_organisation_id_organisations_id_fk" FOREIGN KEY ("partner_organisation_id") REFERENCES "clients"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "clients"."consents" ADD CONSTRAINT "consents_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "clients"."clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "clients"."consents" ADD CONSTRAINT "consents_recipient_organisation_id_organisations_id_fk" FOREIGN KEY ("recipient_organisation_id") REFERENCES "clients"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "clients"."guardians" ADD CONSTRAINT "guardians_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "clients"."clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "clients"."units" ADD CONSTRAINT "units_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "clients"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "services"."assistance_requests" ADD CONSTRAINT "assistance_requests_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "clients"."clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "services"."assistance_requests" ADD CONSTRAINT "assistance_requests_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "clients"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "services"."assistance_requests" ADD CONSTRAINT "assistance_requests_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "access"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "services"."care_days" ADD CONSTRAINT "care_days_placement_id_placements_id_fk" FOREIGN KEY ("placement_id") REFERENCES "services"."placements"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "services"."decisions" ADD CONSTRAINT "decisions_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "clients"."clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "services"."decisions" ADD CONSTRAINT "decisions_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "clients"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "services"."decisions" ADD CONSTRAINT "decisions_commission_id_commissions_id_fk" FOREIGN KEY ("commission_id") REFERENCES "clients"."commissions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "services"."decisions" ADD CONSTRAINT "decisions_decision_maker_id_users_id_fk" FOREIGN KEY ("decision_maker_id") REFERENCES "access"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "services"."invoices" ADD CONSTRAINT "invoices_payment_commitment_id_payment_commitments_id_fk" FOREIGN KEY ("payment_commitment_id") REFERENCES "services"."payment_commitments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "services"."invoices" ADD CONSTRAINT "invoices_provider_organisation_id_organisations_id_fk" FOREIGN KEY ("provider_organisation_id") REFERENCES "clients"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "services"."medications" ADD CONSTRAINT "medications_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "clients"."clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "services"."medications" ADD CONSTRAINT "medications_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "clients"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "services"."medications" ADD CONSTRAINT "medications_placement_id_placements_id_fk" FOREIGN KEY ("placement_id") REFERENCES "services"."placements"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "services"."payment_commitments" ADD CONSTRAINT "payment_commitments_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "clients"."clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "services"."payment_commitments" ADD CONSTRAINT "payment_commitments_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "clients"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "services"."payment_commitments" ADD CONSTRAINT "payment_commitments_placement_id_placements_id_fk" FOREIGN KEY ("placement_id") REFERENCES "services"."placements"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "services"."payment_commitments" ADD CONSTRAINT "payment_commitments_provider_organisation_id_organisations_id_fk" FOREIGN KEY ("provider_organisation_id") REFERENCES "clients"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "services"."placements" ADD CONSTRAINT "placements_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "clients"."clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "services"."placements" ADD CONSTRAINT "placements_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "clients"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "services"."placements" ADD CONSTRAINT "placements_commission_id_commissions_id_fk" FOREIGN KEY ("commission_id") REFERENCES "clients"."commissions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "services"."placements" ADD CONSTRAINT "placements_decision_id_decisions_id_fk" FOREIGN KEY ("decision_id") REFERENCES "services"."decisions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "services"."placements" ADD CONSTRAINT "placements_provider_organisation_id_organisations_id_fk" FOREIGN KEY ("provider_organisation_id") REFERENCES "clients"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "services"."restrictions" ADD CONSTRAINT "restrictions_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "clients"."clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "services"."restrictions" ADD CONSTRAINT "restrictions_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "clients"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "services"."restrictions" ADD CONSTRAINT "restrictions_placement_id_placements_id_fk" FOREIGN KEY ("placement_id") REFERENCES "services"."placements"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "services"."restrictions" ADD CONSTRAINT "restrictions_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "access"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents"."data_subject_requests" ADD CONSTRAINT "data_subject_requests_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "clients"."clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents"."data_subject_requests" ADD CONSTRAINT "data_subject_requests_handled_by_users_id_fk" FOREIGN KEY ("handled_by") REFERENCES "access"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents"."disclosure_documents" ADD CONSTRAINT "disclosure_documents_disclosure_id_disclosures_id_fk" FOREIGN KEY ("disclosure_id") REFERENCES "documents"."disclosures"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents"."disclosure_documents" ADD CONSTRAINT "disclosure_documents_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "documents"."documents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents"."disclosures" ADD CONSTRAINT "disclosures_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "clients"."clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents"."disclosures" ADD CONSTRAINT "disclosures_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "clients"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents"."disclosures" ADD CONSTRAINT "disclosures_recipient_organisation_id_organisations_id_fk" FOREIGN KEY ("recipient_organisation_id") REFERENCES "clients"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents"."disclosures" ADD CONSTRAINT "disclosures_consent_id_consents_id_fk" FOREIGN KEY ("consent_id") REFERENCES "clients"."consents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents"."disclosures" ADD CONSTRAINT "disclosures_disclosed_by_users_id_fk" FOREIGN KEY ("disclosed_by") REFERENCES "access"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents"."document_revisions" ADD CONSTRAINT "document_revisions_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "documents"."documents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents"."document_revisions" ADD CONSTRAINT "document_revisions_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "access"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents"."documents" ADD CONSTRAINT "documents_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "clients"."clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents"."documents" ADD CONSTRAINT "documents_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "clients"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents"."documents" ADD CONSTRAINT "documents_relationship_id_client_relationships_id_fk" FOREIGN KEY ("relationship_id") REFERENCES "clients"."client_relationships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents"."documents" ADD CONSTRAINT "documents_commission_id_commissions_id_fk" FOREIGN KEY ("commission_id") REFERENCES "clients"."commissions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents"."documents" ADD CONSTRAINT "documents_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "access"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents"."documents" ADD CONSTRAINT "documents_author_organisation_id_organisations_id_fk" FOREIGN KEY ("author_organisation_id") REFERENCES "clients"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "api_tokens_prefix_idx" ON "access"."api_tokens" USING btree ("token_prefix");--> statement-breakpoint
CREATE INDEX "api_tokens_organisation_idx" ON "access"."api_tokens" USING btree ("organisation_id");--> statement-breakpoint
CREATE INDEX "grants_user_idx" ON "access"."grants" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "client_relationships_client_idx" ON "clients"."client_relationships" USING btree ("client_id");--> statement-breakpoint
CREATE INDEX "client_relationships_unit_idx" ON "clients"."client_relationships" USING btree ("unit_id","ended_on");--> statement-breakpoint
CREATE UNIQUE INDEX "clients_personal_identity_code_idx" ON "clients"."clients" USING btree ("personal_identity_code");--> statement-breakpoint
CREATE INDEX "clients_name_idx" ON "clients"."clients" USING btree ("last_name","first_name");--> statement-breakpoint
CREATE INDEX "commissions_client_idx" ON "clients"."commissions" USING btree ("client_id");--> statement-breakpoint
CREATE INDEX "commissions_partner_idx" ON "clients"."commissions" USING btree ("partner_organisation_id","ends_on");--> statement-breakpoint
CREATE INDEX "consents_client_idx" ON "clients"."consents" USING btree ("client_id");--> statement-breakpoint
CREATE INDEX "guardians_client_idx" ON "clients"."guardians" USING btree ("client_id");--> statement-breakpoint
CREATE INDEX "units_organisation_idx" ON "clients"."units" USING btree ("organisation_id");--> statement-breakpoint
CREATE INDEX "assistance_requests_client_idx" ON "services"."assistance_requests" USING btree ("client_id","unit_id");--> statement-breakpoint
CREATE UNIQUE INDEX "care_days_placement_day_idx" ON "services"."care_days" USING btree ("placement_id","day");--> statement-breakpoint
CREATE INDEX "decisions_client_idx" ON "services"."decisions" USING btree ("client_id","unit_id");--> statement-breakpoint
CREATE INDEX "decisions_commission_idx" ON "services"."decisions" USING btree ("commission_id");--> statement-breakpoint
CREATE INDEX "invoices_commitment_idx" ON "services"."invoices" USING btree ("payment_commitment_id");--> statement-breakpoint
CREATE INDEX "medications_client_idx" ON "services"."medications" USING btree ("client_id","unit_id");--> statement-breakpoint
CREATE INDEX "payment_commitments_client_idx" ON "services"."payment_commitments" USING btree ("client_id");--> statement-breakpoint
CREATE INDEX "placements_client_idx" ON "services"."placements" USING btree ("client_id","unit_id");--> statement-breakpoint
CREATE INDEX "placements_commission_idx" ON "services"."placements" USING btree ("commission_id");--> statement-breakpoint
CREATE INDEX "restrictions_client_idx" ON "services"."restrictions" USING btree ("client_id","unit_id");--> statement-breakpoint
CREATE INDEX "data_subject_requests_client_idx" ON "documents"."data_subject_requests" USING btree ("client_id");--> statement-breakpoint
CREATE INDEX "disclosures_client_idx" ON "documents"."disclosures" USING btree ("client_id");--> statement-breakpoint
CREATE UNIQUE INDEX "document_revisions_document_revision_idx" ON "documents"."document_revisions" USING btree ("document_id","revision");--> statement-breakpoint
CREATE INDEX "documents_client_idx" ON "documents"."documents" USING btree ("client_id","unit_id","recorded_at");--> statement-breakpoint
CREATE INDEX "documents_commission_idx" ON "documents"."documents" USING btree ("commission_id");--> statement-breakpoint
CREATE INDEX "entries_client_at_idx" ON "audit"."entries" USING btree ("client_id","at");--> statement-breakpoint
CREATE INDEX "entries_actor_at_idx" ON "audit"."entries" USING btree ("actor_id","at");--> statement-breakpoint
CREATE INDEX "entries_unit_at_idx" ON "audit"."entries" USING btree ("unit_id","at");--> statement-breakpoint
CREATE INDEX "entries_request_idx" ON "audit"."entries" USING btree ("request_id");--> statement-breakpoint
CREATE INDEX "entries_at_idx" ON "audit"."entries" USING btree ("at");