-- Years of access-log entries (kept 12 years): the log becomes a table partitioned by year of `at`.
-- Indexes stay per partition and small, queries over a period touch only its years, and a whole year
-- can later be detached and archived. A default partition takes anything outside the created years.
ALTER TABLE "audit"."entries" RENAME TO "entries_heap";
--> statement-breakpoint
ALTER TABLE "audit"."entries_heap" RENAME CONSTRAINT "entries_seq_at_pk" TO "entries_heap_pk";
--> statement-breakpoint
CREATE TABLE "audit"."entries" (LIKE "audit"."entries_heap" INCLUDING DEFAULTS INCLUDING CONSTRAINTS)
  PARTITION BY RANGE ("at");
--> statement-breakpoint
ALTER TABLE "audit"."entries" ADD CONSTRAINT "entries_seq_at_pk" PRIMARY KEY ("seq", "at");
--> statement-breakpoint
-- A year's partition, with its own TRUNCATE guard (a statement trigger on the parent does not see a
-- partition truncated directly; row triggers are cloned to partitions by PostgreSQL itself).
CREATE OR REPLACE FUNCTION "audit"."ensure_entries_partition"(year int) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  name text := format('entries_y%s', year);
BEGIN
  IF to_regclass(format('audit.%I', name)) IS NOT NULL THEN
    RETURN;
  END IF;
  EXECUTE format(
    'CREATE TABLE audit.%I PARTITION OF audit.entries FOR VALUES FROM (%L) TO (%L)',
    name, make_timestamptz(year, 1, 1, 0, 0, 0, 'UTC'), make_timestamptz(year + 1, 1, 1, 0, 0, 0, 'UTC'));
  EXECUTE format(
    'CREATE TRIGGER %I BEFORE TRUNCATE ON audit.%I FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_log_change()',
    name || '_no_truncate', name);
END
$$;
--> statement-breakpoint
DO $$
BEGIN
  FOR year IN 2020..2045 LOOP
    PERFORM "audit"."ensure_entries_partition"(year);
  END LOOP;
END
$$;
--> statement-breakpoint
CREATE TABLE "audit"."entries_default" PARTITION OF "audit"."entries" DEFAULT;
--> statement-breakpoint
CREATE TRIGGER "entries_default_no_truncate" BEFORE TRUNCATE ON "audit"."entries_default"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit"."refuse_log_change"();
--> statement-breakpoint
-- The existing entries move over; the append-only trigger of the old table is bypassed by dropping it.
INSERT INTO "audit"."entries" SELECT * FROM "audit"."entries_heap";
--> statement-breakpoint
DROP TABLE "audit"."entries_heap";
--> statement-breakpoint
CREATE INDEX "entries_client_at_idx" ON "audit"."entries" USING btree ("client_id", "at");
--> statement-breakpoint
CREATE INDEX "entries_actor_at_idx" ON "audit"."entries" USING btree ("actor_id", "at");
--> statement-breakpoint
CREATE INDEX "entries_unit_at_idx" ON "audit"."entries" USING btree ("unit_id", "at");
--> statement-breakpoint
CREATE INDEX "entries_request_idx" ON "audit"."entries" USING btree ("request_id");
--> statement-breakpoint
CREATE INDEX "entries_at_actor_client_idx" ON "audit"."entries" USING btree ("at", "actor_id", "client_id");
--> statement-breakpoint
-- Partitions are named entries_y2026 etc.: the retention exemption must recognise them as the log.
CREATE OR REPLACE FUNCTION "audit"."refuse_log_change"() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  call_stack text;
BEGIN
  IF TG_OP = 'DELETE' AND (TG_TABLE_NAME = 'entries' OR TG_TABLE_NAME LIKE 'entries\_%')
     AND current_setting('vartija.retention', true) = 'on' THEN
    GET DIAGNOSTICS call_stack = PG_CONTEXT;
    IF call_stack ~ '(^|\n)PL/pgSQL function audit\.apply_retention\(timestamp with time zone\) line [0-9]+ at SQL statement' THEN
      RETURN OLD;
    END IF;
  END IF;
  RAISE EXCEPTION 'audit.% is append-only: % refused',
      CASE WHEN TG_TABLE_NAME LIKE 'entries\_%' THEN 'entries' ELSE TG_TABLE_NAME END, TG_OP
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'Access-log entries are never changed; only audit.apply_retention(cutoff) removes entries older than the retention period.';
END
$$;
--> statement-breakpoint
CREATE TRIGGER "entries_append_only" BEFORE UPDATE OR DELETE ON "audit"."entries"
  FOR EACH ROW EXECUTE FUNCTION "audit"."refuse_log_change"();
--> statement-breakpoint
CREATE TRIGGER "entries_no_truncate" BEFORE TRUNCATE ON "audit"."entries"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit"."refuse_log_change"();
--> statement-breakpoint
REVOKE ALL ON FUNCTION "audit"."ensure_entries_partition"(int) FROM PUBLIC;
--> statement-breakpoint
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'vartija_app') THEN
    REVOKE ALL ON audit.entries FROM vartija_app;
    GRANT SELECT, INSERT ON audit.entries TO vartija_app;
  END IF;
EXCEPTION
  WHEN insufficient_privilege THEN
    RAISE NOTICE 'privileges for vartija_app not granted; the append-only triggers still hold';
END
$$;
