-- Vartija's database roles. Run once per database, before the first `npm run db:migrate`, by an
-- administrator (a superuser, or a role with CREATEROLE that may grant on the database), connected to
-- the Vartija database:
--
--   psql "postgres://admin@db.example:5432/vartija" -v ON_ERROR_STOP=1 -f deploy/sql/roles.sql
--
-- Idempotent: running it again changes nothing. It creates roles without passwords; give each login
-- role its own (ALTER ROLE vartija_gateway PASSWORD '…', or your platform's IAM authentication) and
-- put it in that service's DATABASE_URL. Table privileges come after the migrations, from
-- deploy/sql/grants.sql (run as vartija_owner), because the tables do not exist before.
--
--   vartija_owner      owns the schemas and every table, runs the migrations; nothing else logs in as it
--   vartija_app        (no login) what every service shares: append to the access log and read it,
--                      read which migrations are applied. The migrations know this name (0003).
--   vartija_gateway    the gateway: users, grants and API tokens; its access-log entries
--   vartija_clients    the clients subgraph (and the users / partner-token commands)
--   vartija_services   the services subgraph
--   vartija_documents  the documents subgraph (reads every register schema: extracts, history, lifecycle)
--   vartija_audit      the audit subgraph (and audit:checkpoint)
--   vartija_disposal   (no login) removing and anonymising records whose retention has ended
--   vartija_retention  the access-log retention job (audit.apply_retention) and record disposal
--
-- None of the service roles owns a table, so none can drop or disable the access log's append-only
-- triggers, and none has UPDATE, DELETE or TRUNCATE on audit.entries.

DO $$
DECLARE
  r record;
BEGIN
  FOR r IN
    SELECT * FROM (VALUES
      ('vartija_owner', true),
      ('vartija_app', false),
      ('vartija_disposal', false),
      ('vartija_gateway', true),
      ('vartija_clients', true),
      ('vartija_services', true),
      ('vartija_documents', true),
      ('vartija_audit', true),
      ('vartija_retention', true)
    ) AS roles(name, login)
  LOOP
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r.name) THEN
        EXECUTE format('CREATE ROLE %I %s NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS',
          r.name, CASE WHEN r.login THEN 'LOGIN' ELSE 'NOLOGIN' END);
      END IF;
    EXCEPTION
      -- Roles are cluster-wide: another database's run may create the same role at the same moment.
      WHEN duplicate_object OR unique_violation THEN NULL;
    END;
  END LOOP;
END
$$;

-- The service roles share vartija_app; the job and the documents subgraph (runDisposal) share
-- vartija_disposal. The owner is a member of nothing: it needs no one else's privileges.
GRANT vartija_app TO vartija_gateway, vartija_clients, vartija_services, vartija_documents, vartija_audit, vartija_retention;
GRANT vartija_disposal TO vartija_documents, vartija_retention;

-- Only Vartija's roles connect; only the owner creates schemas (the migrations do).
DO $$
BEGIN
  EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
  EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO vartija_owner, vartija_app, vartija_retention', current_database());
  EXECUTE format('GRANT CREATE ON DATABASE %I TO vartija_owner', current_database());
END
$$;

-- Nobody creates objects in public (PostgreSQL 15 and later already default to this).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
