# Openfire for docker-compose.yml's openfire profile: the second XMPP server the worker delivers to, through its
# REST API plugin (accounts, rosters) and Smack (messages). Set up at its first start by docker/openfire/start.sh:
# no web wizard, the REST API plugin installed and on, its secret from the secrets volume.
# Build context: this directory (docker/).
ARG OPENFIRE_IMAGE=nasqueron/openfire:4.8.0
FROM ${OPENFIRE_IMAGE}
# the REST API plugin, from Ignite Realtime's plugin downloads (a version for Openfire 4.7 and later)
ARG RESTAPI_VERSION=1.10.2
ADD https://www.igniterealtime.org/projects/openfire/plugins/${RESTAPI_VERSION}/restAPI.jar /usr/share/chatpipe/restAPI.jar
COPY openfire/openfire.xml /usr/share/chatpipe/openfire.xml
COPY --chmod=755 openfire/start.sh /usr/local/bin/chatpipe-openfire-start
EXPOSE 5222 9090
ENTRYPOINT ["/usr/local/bin/chatpipe-openfire-start"]
