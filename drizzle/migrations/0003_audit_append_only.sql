-- The access log is append-only (DESIGN.md §5): entries are never changed, and removed only by the
-- retention job, through audit.apply_retention(cutoff).
--
-- Why triggers are the enforcement: they hold on every database we run on. The embedded PGlite has
-- a single superuser, and a development or single-tenant PostgreSQL often connects as the schema
-- owner; privileges do not bind either of them, but a trigger fires for every role, owner included.
-- Only ALTER TABLE ... DISABLE TRIGGER (owner or superuser) gets past it, and a change made that way is
-- what the hash chain and verifyAuditChain are for. Where roles can be created, the vartija_app role
-- below adds the privilege layer: an application connecting as (a member of) vartija_app has no
-- UPDATE, DELETE or TRUNCATE on the log at all, and cannot disable the triggers.
--
-- The retention exemption needs both the transaction-local setting vartija.retention = 'on' and
-- audit.apply_retention(timestamptz) on the call stack (PG_CONTEXT), so a stray SET LOCAL from
-- application code does not unlock deletion; apply_retention turns the setting off again itself.
CREATE OR REPLACE FUNCTION "audit"."refuse_log_change"() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  call_stack text;
BEGIN
  IF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'entries' AND current_setting('vartija.retention', true) = 'on' THEN
    GET DIAGNOSTICS call_stack = PG_CONTEXT;
    IF call_stack ~ '(^|\n)PL/pgSQL function audit\.apply_retention\(timestamp with time zone\) line [0-9]+ at SQL statement' THEN
      RETURN OLD;
    END IF;
  END IF;
  RAISE EXCEPTION 'audit.% is append-only: % refused', TG_TABLE_NAME, TG_OP
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
-- What retention removed is itself evidence: its rows are never changed or removed either.
CREATE TRIGGER "retention_runs_append_only" BEFORE UPDATE OR DELETE ON "audit"."retention_runs"
  FOR EACH ROW EXECUTE FUNCTION "audit"."refuse_log_change"();
--> statement-breakpoint
CREATE TRIGGER "retention_runs_no_truncate" BEFORE TRUNCATE ON "audit"."retention_runs"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit"."refuse_log_change"();
--> statement-breakpoint
-- The retention job. Removes the entries older than `cutoff` as one unbroken prefix of the chain and
-- records the first kept entry and its prev_hash, from which verifyAuditChain starts afterwards. The
-- caller writes a SYSTEM entry about the run in the same transaction (retention.ts).
-- `at` is taken when a request's batch is built and seq under the chain lock, so times can be a few
-- milliseconds out of seq order: everything from the first seq at or after the cutoff is kept, so
-- no hole is cut into the chain (a straggler just waits for the next run).
CREATE OR REPLACE FUNCTION "audit"."apply_retention"(cutoff timestamptz)
RETURNS TABLE (removed bigint, kept_from_seq bigint, kept_from_prev_hash text)
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_removed bigint;
  v_first bigint;
  v_prev text;
BEGIN
  IF cutoff IS NULL OR cutoff > now() THEN
    RAISE EXCEPTION 'retention cutoff % must be in the past', cutoff USING ERRCODE = 'invalid_parameter_value';
  END IF;
  -- Writers append under this row lock: the boundary cannot move while the run works.
  PERFORM 1 FROM audit.chain_head h WHERE h.id = 'main' FOR UPDATE;
  SELECT e.seq, e.prev_hash INTO v_first, v_prev
    FROM audit.entries e WHERE e.at >= cutoff ORDER BY e.seq LIMIT 1;
  IF v_first IS NULL THEN
    -- Everything is older than the cutoff: the chain continues from its head.
    SELECT h.seq + 1, h.hash INTO v_first, v_prev FROM audit.chain_head h WHERE h.id = 'main';
  END IF;
  PERFORM set_config('vartija.retention', 'on', true);
  DELETE FROM audit.entries e WHERE e.seq < v_first;
  GET DIAGNOSTICS v_removed = ROW_COUNT;
  PERFORM set_config('vartija.retention', 'off', true);
  INSERT INTO audit.retention_runs (cutoff, removed_count, first_kept_seq, first_kept_prev_hash)
    VALUES (apply_retention.cutoff, v_removed, v_first, v_prev);
  RETURN QUERY SELECT v_removed, v_first, v_prev;
END
$$;
--> statement-breakpoint
-- Functions are executable by PUBLIC by default; retention is for the owner (the operator's role).
REVOKE ALL ON FUNCTION "audit"."apply_retention"(timestamptz) FROM PUBLIC;
--> statement-breakpoint
-- The application role where the server lets us create roles (PostgreSQL with CREATEROLE; PGlite's
-- superuser too). A no-op with a notice where it cannot: the triggers above still hold. Roles are
-- cluster-wide, so another database's migration may create it at the same moment.
DO $$
BEGIN
  BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'vartija_app') THEN
      CREATE ROLE vartija_app NOLOGIN;
    END IF;
  EXCEPTION
    WHEN duplicate_object OR unique_violation THEN
      NULL;
    WHEN insufficient_privilege THEN
      RAISE NOTICE 'role vartija_app not created (no CREATEROLE); the append-only triggers still hold';
      RETURN;
  END;
  GRANT USAGE ON SCHEMA audit TO vartija_app;
  REVOKE ALL ON audit.entries, audit.retention_runs, audit.chain_head FROM vartija_app;
  -- Append and read the log; never UPDATE, DELETE or TRUNCATE it.
  GRANT SELECT, INSERT ON audit.entries TO vartija_app;
  GRANT SELECT ON audit.retention_runs TO vartija_app;
  -- The writers' lock (SELECT ... FOR UPDATE) and head update need UPDATE on the one-row chain head;
  -- a forged head shows as a break in verifyAuditChain.
  GRANT SELECT, UPDATE ON audit.chain_head TO vartija_app;
EXCEPTION
  WHEN insufficient_privilege OR undefined_object THEN
    RAISE NOTICE 'privileges for vartija_app not granted; the append-only triggers still hold';
END
$$;
