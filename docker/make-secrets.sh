#!/bin/sh
# Makes the cluster's secrets once, into the chatpipe-secrets volume (docker-compose.yml's secrets service): random,
# never in the repository, an image, the environment or a command line. Each file is readable only by the one
# container user that needs it: postgres (uid 999 in the postgres image), ejabberd (uid 9000 in its image), openfire
# (read as root by docker/openfire/start.sh before Openfire starts), chatpipe's services (uid 10001 in
# docker/service.Dockerfile's image).
#
# The services read theirs as Spring config trees (spring.config.import=configtree:/run/chatpipe-secrets/<service>/):
# each file's name is the property it sets.
set -eu
cd /run/chatpipe-secrets
password() { head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
umask 077

# the archive database's roles, ejabberd's admin API account (the delivery workers' Basic credentials), Openfire's
# REST API secret and admin password, the application API key (printed by `docker compose run --rm secrets cat
# /run/chatpipe-secrets/api-key`), the key the api-service shows history-service, and the key from which the
# passwords of the XMPP accounts chatpipe creates are derived
for name in postgres-password ejabberd-password capture-password ejabberd-api-password openfire-secret \
            openfire-admin-password api-key history-key; do
  [ -s "$name" ] || password > "$name"
done
[ -s xmpp-password-key ] || head -c 32 /dev/urandom | base64 | tr -d '\n' > xmpp-password-key
chown 999:999 postgres-password ejabberd-password capture-password
sha() { sha256sum "$1" | cut -d' ' -f1; }

# ejabberd: the archive database's password (include_config_file) and its admin API account's password
mkdir -p ejabberd
printf 'sql_password: "%s"\n' "$(cat ejabberd-password)" > ejabberd/sql.yml
cp ejabberd-api-password ejabberd/api-password
chown -R 9000:9000 ejabberd
chmod 500 ejabberd

tree() {   # DIR NAME=FILE...: a config tree for one service, readable by the services' user only
  dir="$1"; shift
  rm -rf "$dir"; mkdir -p "$dir"
  for pair in "$@"; do cp "${pair#*=}" "$dir/${pair%%=*}"; done
  chown -R 10001:10001 "$dir"
  chmod 500 "$dir"; chmod 400 "$dir"/*
}
printf '%s' "$(sha api-key)" > .api-key-sha256
printf '%s' "$(sha history-key)" > .history-key-sha256
printf 'compose' > .name-compose; printf 'api-service' > .name-api-service; printf 'audit,admin' > .roles-all

# Openfire's (read as root by docker/openfire/start.sh)
mkdir -p openfire
cp openfire-secret openfire/restapi-secret
cp openfire-admin-password openfire/admin-password
chmod 700 openfire

tree capture chatpipe.capture.archive.password=capture-password
tree api \
  chatpipe.api.auth.keys[0].name=.name-compose chatpipe.api.auth.keys[0].secret-sha256=.api-key-sha256 \
  chatpipe.api.history.api-key=history-key chatpipe.api.xmpp.password-key=xmpp-password-key
tree history \
  chatpipe.history.auth.keys[0].name=.name-compose chatpipe.history.auth.keys[0].secret-sha256=.api-key-sha256 \
  chatpipe.history.auth.keys[0].roles=.roles-all \
  chatpipe.history.auth.keys[1].name=.name-api-service chatpipe.history.auth.keys[1].secret-sha256=.history-key-sha256
tree worker \
  chatpipe.worker.ejabberd.auth.password=ejabberd-api-password \
  chatpipe.worker.provisioning.password-key=xmpp-password-key
tree worker-openfire \
  chatpipe.worker.openfire.secret=openfire-secret \
  chatpipe.worker.provisioning.password-key=xmpp-password-key
