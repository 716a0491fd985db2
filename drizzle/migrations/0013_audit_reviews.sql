CREATE TABLE "audit"."monitoring_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organisation_id" uuid NOT NULL,
	"seed" integer NOT NULL,
	"size" integer NOT NULL,
	"period_from" timestamp with time zone NOT NULL,
	"period_to" timestamp with time zone NOT NULL,
	"started_by" text NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"entry_seqs" bigint[] NOT NULL,
	CONSTRAINT "monitoring_runs_period_check" CHECK ("audit"."monitoring_runs"."period_from" < "audit"."monitoring_runs"."period_to"),
	CONSTRAINT "monitoring_runs_size_check" CHECK ("audit"."monitoring_runs"."size" BETWEEN 1 AND 1000)
);
--> statement-breakpoint
CREATE TABLE "audit"."reviews" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organisation_id" uuid NOT NULL,
	"entry_seq" bigint NOT NULL,
	"reviewer_id" text NOT NULL,
	"note" text NOT NULL,
	"reviewed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"monitoring_run_id" uuid,
	CONSTRAINT "reviews_note_check" CHECK (length("audit"."reviews"."note") BETWEEN 1 AND 2000)
);
--> statement-breakpoint
ALTER TABLE "audit"."reviews" ADD CONSTRAINT "reviews_monitoring_run_id_monitoring_runs_id_fk" FOREIGN KEY ("monitoring_run_id") REFERENCES "audit"."monitoring_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "monitoring_runs_organisation_started_idx" ON "audit"."monitoring_runs" USING btree ("organisation_id","started_at");--> statement-breakpoint
CREATE INDEX "reviews_entry_idx" ON "audit"."reviews" USING btree ("entry_seq");--> statement-breakpoint
CREATE INDEX "reviews_organisation_reviewed_idx" ON "audit"."reviews" USING btree ("organisation_id","reviewed_at");--> statement-breakpoint
CREATE INDEX "reviews_monitoring_run_idx" ON "audit"."reviews" USING btree ("monitoring_run_id");--> statement-breakpoint
-- What monitoring recorded is evidence too (seed 002): reviews and monitoring runs are never changed or
-- removed, like the log they speak of (a second opinion is a second review).
CREATE TRIGGER "reviews_append_only" BEFORE UPDATE OR DELETE ON "audit"."reviews"
  FOR EACH ROW EXECUTE FUNCTION "audit"."refuse_log_change"();
--> statement-breakpoint
CREATE TRIGGER "reviews_no_truncate" BEFORE TRUNCATE ON "audit"."reviews"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit"."refuse_log_change"();
--> statement-breakpoint
CREATE TRIGGER "monitoring_runs_append_only" BEFORE UPDATE OR DELETE ON "audit"."monitoring_runs"
  FOR EACH ROW EXECUTE FUNCTION "audit"."refuse_log_change"();
--> statement-breakpoint
CREATE TRIGGER "monitoring_runs_no_truncate" BEFORE TRUNCATE ON "audit"."monitoring_runs"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit"."refuse_log_change"();
