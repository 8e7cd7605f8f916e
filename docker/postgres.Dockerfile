# PostgreSQL 15 for ejabberd's message archive, with ejabberd's own schema (pg.sql, the single-host schema its
# default configuration expects) taken from the ejabberd image that docker-compose.yml runs, so the two match.
# postgres/init-archive.sh makes the database, the roles and the publication on the volume's first start;
# docker-compose.yml turns on logical decoding (wal_level=logical) for change data capture.
# Build context: this directory.
ARG EJABBERD_IMAGE=ghcr.io/processone/ejabberd:25.03

FROM ${EJABBERD_IMAGE} AS ejabberd

FROM postgres:15
COPY --from=ejabberd /opt/ejabberd-*/lib/ejabberd-*/priv/sql/pg.sql /usr/share/chatpipe/ejabberd-pg.sql
COPY postgres/init-archive.sh /docker-entrypoint-initdb.d/10-archive.sh
