# ejabberd with chatpipe's own configuration: stack/ejabberd/ejabberd.yml.template, the file that
# ./chatpipe run renders for the project-local instance, rendered here for a container.
# Build context: the repository root (see ejabberd.Dockerfile.dockerignore).
#
# Differences from the local run, all made below:
#   - listeners bind 0.0.0.0 inside the container; docker-compose publishes them on 127.0.0.1 only;
#   - "loopback" (admin API, in-band registration) means the compose network, CHATPIPE_NETWORK, where
#     the delivery worker runs and where published connections from the host arrive from.
#   - the message archive is in the compose network's postgres service (docker/postgres.Dockerfile), and the
#     database password comes at run time from the secrets volume (include_config_file), not from the image.
ARG EJABBERD_IMAGE=ghcr.io/processone/ejabberd:25.03

FROM alpine:3.22 AS config
ARG XMPP_DOMAIN=localhost
ARG CHATPIPE_NETWORK=172.30.57.0/24
RUN apk add --no-cache openssl
COPY stack/ejabberd/ejabberd.yml.template /work/ejabberd.yml.template
WORKDIR /work
RUN sed -e "s|@DOMAIN@|${XMPP_DOMAIN}|g" -e "s|@C2S_PORT@|5222|g" -e "s|@HTTP_PORT@|5280|g" \
        -e "s|@DATA_DIR@/spool|/opt/ejabberd/database|g" -e "s|@DATA_DIR@|/opt/ejabberd/conf|g" \
        -e 's|ip: "127.0.0.1"|ip: "0.0.0.0"|' \
        -e "s|127\.0\.0\.0/8|${CHATPIPE_NETWORK}|g" \
        -e 's|^sql_server: .*|sql_server: "postgres"|' -e "s|@POSTGRES_PORT@|5432|g" \
        -e 's|^sql_password: .*|include_config_file: /run/chatpipe-secrets/ejabberd-sql.yml|' \
        ejabberd.yml.template > ejabberd.yml \
 && grep -q "${CHATPIPE_NETWORK}" ejabberd.yml && grep -q '^sql_server: "postgres"' ejabberd.yml \
 && grep -q '^include_config_file:' ejabberd.yml && ! grep -q '@[A-Z_]*@' ejabberd.yml \
 && openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=${XMPP_DOMAIN}" \
        -addext "subjectAltName=DNS:${XMPP_DOMAIN}" -keyout tls.key -out tls.crt 2>/dev/null \
 && cat tls.key tls.crt > tls.pem

FROM ${EJABBERD_IMAGE}
COPY --from=config --chown=ejabberd:ejabberd /work/ejabberd.yml /work/tls.pem /opt/ejabberd/conf/
# the Erlang VM's flags, which ejabberdctl passes on from conf/vm.args
COPY --chown=ejabberd:ejabberd stack/ejabberd/vm.args /opt/ejabberd/conf/vm.args
EXPOSE 5222 5280
