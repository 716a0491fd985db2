CREATE TABLE "documents"."extract_redactions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"request_id" uuid NOT NULL,
	"document_id" uuid NOT NULL,
	"withhold" boolean NOT NULL,
	"reason" text NOT NULL,
	"decided_by" uuid,
	"decided_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "documents"."extract_redactions" ADD CONSTRAINT "extract_redactions_request_id_data_subject_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "documents"."data_subject_requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents"."extract_redactions" ADD CONSTRAINT "extract_redactions_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "documents"."documents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents"."extract_redactions" ADD CONSTRAINT "extract_redactions_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "access"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "extract_redactions_request_document_idx" ON "documents"."extract_redactions" USING btree ("request_id","document_id");