# ejabberd for docker-compose.yml: the image of ejabberd's own project, a TLS certificate for the domain and
# docker/ejabberd/start.sh, which registers the delivery workers' admin API account at each start. The configuration
# is docker/ejabberd/ejabberd.yml, which docker-compose.yml mounts read-only (admin API behind that account,
# in-band registration closed to the network); the archive database's password comes at run time from the secrets
# volume (include_config_file), never from the image.
# Build context: the repository root (see ejabberd.Dockerfile.dockerignore).
ARG EJABBERD_IMAGE=ghcr.io/processone/ejabberd:25.03

FROM alpine:3.22 AS tls
ARG XMPP_DOMAIN=localhost
RUN apk add --no-cache openssl
WORKDIR /work
RUN openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=${XMPP_DOMAIN}" \
        -addext "subjectAltName=DNS:${XMPP_DOMAIN}" -keyout tls.key -out tls.crt 2>/dev/null \
 && cat tls.key tls.crt > tls.pem

FROM ${EJABBERD_IMAGE}
COPY --from=tls --chown=ejabberd:ejabberd /work/tls.pem /opt/ejabberd/conf/tls.pem
# the Erlang VM's flags, which ejabberdctl passes on from conf/vm.args
COPY --chown=ejabberd:ejabberd stack/ejabberd/vm.args /opt/ejabberd/conf/vm.args
COPY --chmod=755 docker/ejabberd/start.sh /usr/local/bin/chatpipe-ejabberd-start
EXPOSE 5222 5280
ENTRYPOINT ["/sbin/tini", "--", "/usr/local/bin/chatpipe-ejabberd-start"]
