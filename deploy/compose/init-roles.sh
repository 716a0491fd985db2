#!/bin/sh
# First start of the compose PostgreSQL (an empty data volume): Vartija's roles (deploy/sql/roles.sql)
# and each login role's password from deploy/.env. Run by the postgres image's entrypoint as the superuser.
set -eu

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" -f /vartija/roles.sql

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v owner="$OWNER_DB_PASSWORD" -v gateway="$GATEWAY_DB_PASSWORD" -v clients="$CLIENTS_DB_PASSWORD" \
  -v services="$SERVICES_DB_PASSWORD" -v documents="$DOCUMENTS_DB_PASSWORD" -v audit="$AUDIT_DB_PASSWORD" \
  -v retention="$RETENTION_DB_PASSWORD" <<'SQL'
ALTER ROLE vartija_owner PASSWORD :'owner';
ALTER ROLE vartija_gateway PASSWORD :'gateway';
ALTER ROLE vartija_clients PASSWORD :'clients';
ALTER ROLE vartija_services PASSWORD :'services';
ALTER ROLE vartija_documents PASSWORD :'documents';
ALTER ROLE vartija_audit PASSWORD :'audit';
ALTER ROLE vartija_retention PASSWORD :'retention';
SQL
