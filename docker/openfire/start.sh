#!/bin/bash
# Openfire's start in docker-compose.yml, as root before the image's own entrypoint: on the volume's first start, the
# configuration (docker/openfire/openfire.xml with the REST API secret and the admin password from the secrets volume,
# written into the volume, readable by openfire only) and the REST API plugin; then Openfire as the image starts it.
set -euo pipefail
data="${OPENFIRE_DATA_DIR:-/var/lib/openfire}"
secrets=/run/chatpipe-secrets/openfire

if [[ ! -d "$data/conf" ]]; then
  install -d -o openfire -g openfire -m 750 "$data" "$data/conf" "$data/plugins" "$data/embedded-db"
  cp -a /etc/openfire/. "$data/conf/"
  secret="$(cat "$secrets/restapi-secret")" admin="$(cat "$secrets/admin-password")"
  key="$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  sed -e "s|@RESTAPI_SECRET@|$secret|" -e "s|@ADMIN_PASSWORD@|$admin|" -e "s|@ENCRYPTION_KEY@|$key|" \
      /usr/share/chatpipe/openfire.xml > "$data/conf/openfire.xml"
  unset secret admin key
  chown -R openfire:openfire "$data/conf"
  chmod 600 "$data/conf/openfire.xml"
fi
install -o openfire -g openfire -m 644 /usr/share/chatpipe/restAPI.jar "$data/plugins/restAPI.jar"
exec /sbin/entrypoint.sh "$@"
