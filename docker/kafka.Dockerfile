# Apache Kafka's own image, same version as the Maven artifacts chatpipe builds against (kafka.version,
# managed by Spring Boot). The only change: a data directory owned by the broker's user, so that a named
# volume mounted there starts out writable. Settings come from the environment in docker-compose.yml.
FROM apache/kafka:4.2.1
USER root
RUN mkdir -p /var/lib/kafka/data && chown appuser:appuser /var/lib/kafka/data
USER appuser
