#!/bin/sh
# ejabberd's start in docker-compose.yml: ejabberd in the foreground, and once it runs, the delivery workers' admin API
# account (chatpipe-api@localhost) registered, or its password set again, from the secrets volume. The password goes
# from the file to ejabberdctl inside this container only: never in the environment or the compose file.
set -eu
account=chatpipe-api
domain=localhost
password_file=/run/chatpipe-secrets/ejabberd/api-password

ready=/tmp/chatpipe-api-ready   # the health check asks for it: ejabberd runs and the workers' account is there
rm -f "$ready"

ejabberdctl foreground &
ejabberd=$!
trap 'kill -TERM "$ejabberd"; wait "$ejabberd"' TERM INT

ejabberdctl started
password="$(cat "$password_file")"
if ejabberdctl check_account "$account" "$domain" >/dev/null 2>&1; then
  ejabberdctl change_password "$account" "$domain" "$password" >/dev/null
else
  ejabberdctl register "$account" "$domain" "$password" >/dev/null
fi
unset password
touch "$ready"
wait "$ejabberd"
