-- The access log's retention floor lives in the database, not only in the retention job's configuration
-- (issue 14 review): whoever holds the retention role's password could otherwise call
-- audit.apply_retention(now()) and erase the whole log. The floor (DESIGN §1: 12 years) is a one-row table
-- only the owner of the audit schema can change; apply_retention refuses any cutoff younger than it.
CREATE TABLE IF NOT EXISTS "audit"."retention_policy" (
  "id" text PRIMARY KEY DEFAULT 'main' CHECK ("id" = 'main'),
  "min_years" integer NOT NULL DEFAULT 12 CHECK ("min_years" >= 1)
);
--> statement-breakpoint
INSERT INTO "audit"."retention_policy" ("id", "min_years") VALUES ('main', 12) ON CONFLICT ("id") DO NOTHING;
--> statement-breakpoint
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
  v_min_years integer;
BEGIN
  IF cutoff IS NULL OR cutoff > now() THEN
    RAISE EXCEPTION 'retention cutoff % must be in the past', cutoff USING ERRCODE = 'invalid_parameter_value';
  END IF;
  SELECT p.min_years INTO v_min_years FROM audit.retention_policy p WHERE p.id = 'main';
  v_min_years := coalesce(v_min_years, 12);
  IF cutoff > now() - make_interval(years => v_min_years) THEN
    RAISE EXCEPTION 'retention cutoff % is younger than the retention period (% years, audit.retention_policy)', cutoff, v_min_years
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Access-log entries are kept for audit.retention_policy.min_years; only the owner of the audit schema changes it.';
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
REVOKE ALL ON FUNCTION "audit"."apply_retention"(timestamptz) FROM PUBLIC;
