-- Table privileges of Vartija's roles (deploy/sql/roles.sql). Run as vartija_owner after every
-- `npm run db:migrate` (the Kubernetes migration Job and the compose file do):
--
--   psql "postgres://vartija_owner@db.example:5432/vartija" -v ON_ERROR_STOP=1 -f deploy/sql/grants.sql
--
-- Idempotent and complete: it first takes every table privilege from the service roles, then grants
-- what each one needs, in one transaction, so running it again after a release that narrowed a grant
-- narrows it in the database too. Default privileges give tables that later migrations add to an
-- existing schema the same schema-wide grants until this file runs again.
--
-- Derived from what each service's code touches (its stores and the shared kit):
--   every service  appends to the access log (audit.entries INSERT; the chain head row is locked and
--                  moved: SELECT, UPDATE on audit.chain_head), reads drizzle.__drizzle_migrations
--                  (readiness: "migrated") and the persisted operations' names (the known operation
--                  names of metrics and logs); never UPDATE, DELETE or TRUNCATE on the log
--   gateway        reads users, grants, commitments, API tokens, persisted operations and units;
--                  writes only api_tokens.last_used_at
--   clients        the clients and access schemas (register, users, grants, tokens, persisted
--                  operations: removable), correction history
--   services       its schema; reads the clients schema (the policy's row scope follows the client)
--   documents      its schema and lifecycle; reads every register schema (record extract, history,
--                  handovers, research extracts, statistics); record disposal (vartija_disposal)
--   audit          reads the log and the clients schema (an auditor's part of the log follows the client)
--   retention      audit.apply_retention (SECURITY DEFINER: the owner's function is the only way past
--                  the append-only triggers) and record disposal

BEGIN;

-- A clean slate for the service roles (the owner keeps everything it owns).
DO $$
DECLARE
  s text;
  r text;
BEGIN
  FOREACH s IN ARRAY ARRAY['access', 'clients', 'services', 'documents', 'lifecycle', 'history', 'audit', 'drizzle'] LOOP
    FOREACH r IN ARRAY ARRAY['vartija_app', 'vartija_disposal', 'vartija_gateway', 'vartija_clients', 'vartija_services',
                             'vartija_documents', 'vartija_audit', 'vartija_retention'] LOOP
      EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA %I FROM %I', s, r);
      EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA %I FROM %I', s, r);
      EXECUTE format('REVOKE ALL ON SCHEMA %I FROM %I', s, r);
      EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I REVOKE ALL ON TABLES FROM %I', s, r);
      EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I REVOKE ALL ON SEQUENCES FROM %I', s, r);
    END LOOP;
  END LOOP;
END
$$;
REVOKE ALL ON FUNCTION audit.apply_retention(timestamptz) FROM PUBLIC, vartija_app, vartija_retention;
REVOKE ALL ON FUNCTION audit.ensure_entries_partition(int) FROM PUBLIC;

-- Every service: the access log, append-only, and the migration journal.
GRANT USAGE ON SCHEMA audit, drizzle TO vartija_app;
GRANT SELECT, INSERT ON audit.entries TO vartija_app;
GRANT SELECT ON audit.retention_runs TO vartija_app;
GRANT SELECT, UPDATE ON audit.chain_head TO vartija_app;
GRANT SELECT ON drizzle.__drizzle_migrations TO vartija_app;
-- The names only: what may appear in /metrics labels and the request log (not the documents).
GRANT USAGE ON SCHEMA access TO vartija_app;
GRANT SELECT (operation_name) ON access.persisted_operations TO vartija_app;

-- The gateway.
GRANT USAGE ON SCHEMA access, clients TO vartija_gateway;
GRANT SELECT ON access.users, access.grants, access.user_commitments, access.api_tokens, access.persisted_operations TO vartija_gateway;
GRANT UPDATE (last_used_at) ON access.api_tokens TO vartija_gateway;
GRANT SELECT ON clients.units TO vartija_gateway;

-- The clients subgraph.
GRANT USAGE ON SCHEMA clients, access, history TO vartija_clients;
GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA clients, access TO vartija_clients;
GRANT DELETE ON access.persisted_operations TO vartija_clients;
GRANT SELECT, INSERT ON history.revisions TO vartija_clients;
ALTER DEFAULT PRIVILEGES IN SCHEMA clients GRANT SELECT, INSERT, UPDATE ON TABLES TO vartija_clients;
ALTER DEFAULT PRIVILEGES IN SCHEMA access GRANT SELECT, INSERT, UPDATE ON TABLES TO vartija_clients;

-- The services subgraph.
GRANT USAGE ON SCHEMA clients, services, history TO vartija_services;
GRANT SELECT ON ALL TABLES IN SCHEMA clients TO vartija_services;
GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA services TO vartija_services;
GRANT SELECT, INSERT ON history.revisions TO vartija_services;
ALTER DEFAULT PRIVILEGES IN SCHEMA clients GRANT SELECT ON TABLES TO vartija_services;
ALTER DEFAULT PRIVILEGES IN SCHEMA services GRANT SELECT, INSERT, UPDATE ON TABLES TO vartija_services;

-- The documents subgraph.
GRANT USAGE ON SCHEMA access, clients, services, documents, lifecycle, history TO vartija_documents;
GRANT SELECT ON access.users, access.api_tokens TO vartija_documents;
GRANT SELECT ON ALL TABLES IN SCHEMA clients, services TO vartija_documents;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA documents, lifecycle TO vartija_documents;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA lifecycle TO vartija_documents;
GRANT SELECT, INSERT ON history.revisions TO vartija_documents;
-- A granted rectification locks the change it links (SELECT … FOR UPDATE in data-subject-request-store.ts),
-- and a row lock needs UPDATE on some column: `id`, never written. An advisory lock there would need none.
GRANT UPDATE (id) ON history.revisions TO vartija_documents;
ALTER DEFAULT PRIVILEGES IN SCHEMA clients GRANT SELECT ON TABLES TO vartija_documents;
ALTER DEFAULT PRIVILEGES IN SCHEMA services GRANT SELECT ON TABLES TO vartija_documents;
ALTER DEFAULT PRIVILEGES IN SCHEMA documents GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO vartija_documents;
ALTER DEFAULT PRIVILEGES IN SCHEMA lifecycle GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO vartija_documents;
ALTER DEFAULT PRIVILEGES IN SCHEMA lifecycle GRANT USAGE ON SEQUENCES TO vartija_documents;

-- The audit subgraph.
GRANT USAGE ON SCHEMA clients TO vartija_audit;
GRANT SELECT ON ALL TABLES IN SCHEMA clients TO vartija_audit;
ALTER DEFAULT PRIVILEGES IN SCHEMA clients GRANT SELECT ON TABLES TO vartija_audit;
-- The auditor's console (issue 15): review marks and monitoring runs (append-only, like the log), and the
-- names of actors: users and partner tokens.
GRANT SELECT, INSERT ON audit.reviews, audit.monitoring_runs TO vartija_audit;
GRANT USAGE ON SCHEMA access TO vartija_audit;
GRANT SELECT ON access.users, access.api_tokens TO vartija_audit;

-- Record disposal (issue 13): records whose retention has ended are removed or anonymised, with their
-- correction history; statistics facts and the run itself are kept. Never the access log.
GRANT USAGE ON SCHEMA clients, services, documents, lifecycle, history TO vartija_disposal;
GRANT SELECT, UPDATE, DELETE ON ALL TABLES IN SCHEMA clients, services, documents TO vartija_disposal;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA lifecycle TO vartija_disposal;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA lifecycle TO vartija_disposal;
GRANT SELECT, DELETE ON history.revisions TO vartija_disposal;
ALTER DEFAULT PRIVILEGES IN SCHEMA clients GRANT SELECT, UPDATE, DELETE ON TABLES TO vartija_disposal;
ALTER DEFAULT PRIVILEGES IN SCHEMA services GRANT SELECT, UPDATE, DELETE ON TABLES TO vartija_disposal;
ALTER DEFAULT PRIVILEGES IN SCHEMA documents GRANT SELECT, UPDATE, DELETE ON TABLES TO vartija_disposal;
ALTER DEFAULT PRIVILEGES IN SCHEMA lifecycle GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO vartija_disposal;

-- The retention job: the owner's SECURITY DEFINER function, and its SYSTEM entry (through vartija_app).
GRANT EXECUTE ON FUNCTION audit.apply_retention(timestamptz) TO vartija_retention;

COMMIT;
