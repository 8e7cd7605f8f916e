#!/bin/sh
# Makes the archive database's passwords once, into the chatpipe-secrets volume (docker-compose.yml's secrets
# service): random, never in the repository, an image or a command line. Each file is readable by the one
# container user that needs it: postgres (uid 999 in the postgres image), ejabberd (uid 9000 in its image),
# chatpipe's services (uid 10001 in docker/service.Dockerfile's image).
set -eu
cd /run/chatpipe-secrets
password() { head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
umask 077
for name in postgres-password ejabberd-password capture-password; do
  [ -s "$name" ] || password > "$name"
  chown 999:999 "$name"
done
if [ ! -s ejabberd-sql.yml ]; then
  # included by ejabberd's configuration (include_config_file)
  printf 'sql_password: "%s"\n' "$(cat ejabberd-password)" > ejabberd-sql.yml
fi
chown 9000:9000 ejabberd-sql.yml
# xmpp-capture's config tree (spring.config.import=configtree:/run/chatpipe-secrets/capture/): the file's name is
# the property it sets
mkdir -p capture
cp capture-password capture/chatpipe.capture.archive.password
chown -R 10001:10001 capture
chmod 500 capture
chmod 400 capture/chatpipe.capture.archive.password
