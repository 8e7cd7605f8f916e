#!/bin/bash
# Run once by the postgres image's entrypoint, on an empty volume, as the postgres user: what
# stack/postgres/postgres-local makes for ./chatpipe run. Database and role ejabberd (owner of ejabberd's schema),
# role chatpipe_capture (LOGIN REPLICATION, SELECT on archive) and the publication chatpipe_archive of the
# archive's inserts (archive has no primary key: a publication of deletes would make ejabberd's deletes fail).
# The passwords come from the secrets volume that docker/make-secrets.sh filled; SQL goes in on standard input,
# never on a command line.
set -euo pipefail

secrets=/run/chatpipe-secrets
ejabberd_pw="$(cat "$secrets/ejabberd-password")"
capture_pw="$(cat "$secrets/capture-password")"

psql -X -q -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres <<SQL
SET log_statement = 'none';
SET log_min_error_statement = 'panic';
CREATE ROLE ejabberd LOGIN PASSWORD '$ejabberd_pw';
CREATE ROLE chatpipe_capture LOGIN REPLICATION PASSWORD '$capture_pw';
CREATE DATABASE ejabberd OWNER ejabberd ENCODING 'UTF8';
SQL

{ echo 'SET ROLE ejabberd;'; cat /usr/share/chatpipe/ejabberd-pg.sql; echo 'RESET ROLE;'
  cat <<'SQL'
GRANT SELECT ON public.archive TO chatpipe_capture;
CREATE PUBLICATION chatpipe_archive FOR TABLE public.archive WITH (publish = 'insert');
-- capture's slot, made with the archive: what is archived before capture first connects waits in it
SELECT pg_create_logical_replication_slot('chatpipe_capture', 'pgoutput');
SQL
} | psql -X -q -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname ejabberd >/dev/null

# the image lets every role in over the network with its password, but "all" does not cover replication
echo 'host replication chatpipe_capture all scram-sha-256' >> "$PGDATA/pg_hba.conf"
