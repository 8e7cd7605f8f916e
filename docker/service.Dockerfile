# syntax=docker/dockerfile:1
# One of chatpipe's Spring Boot services, built from this repository.
#   docker build -f docker/service.Dockerfile --build-arg MODULE=api-service .
# MODULE: api-service | history-service | xmpp-delivery-worker | xmpp-capture | webhook-dispatcher.
# Build context: the repository root.
FROM eclipse-temurin:25-jdk AS build
ARG MODULE
WORKDIR /src
COPY . .
# the Maven repository is cached between builds; the tests run in CI (./chatpipe test), not here
RUN --mount=type=cache,target=/root/.m2 \
    test -n "${MODULE}" && ./mvnw -B -ntp -pl "${MODULE}" -am package -DskipTests \
 && cp "${MODULE}/target/${MODULE}-"*"-exec.jar" /src/app.jar

FROM eclipse-temurin:25-jre
# curl for the health check; the user's uid is fixed, 10001, for the files docker/make-secrets.sh leaves it
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 chatpipe \
 && useradd --system --uid 10001 --gid chatpipe --create-home --home-dir /var/lib/chatpipe chatpipe \
 && install -d -o chatpipe -g chatpipe /var/lib/chatpipe/data
# /var/lib/chatpipe/data: where a service keeps state (history-service's stores); a named volume
# mounted there starts out owned by the service's user
COPY --from=build /src/app.jar /opt/chatpipe/app.jar
USER chatpipe
WORKDIR /var/lib/chatpipe
# the heap is three quarters of the container's memory, all of it from the start (as ./chatpipe run's -Xms = -Xmx)
ENTRYPOINT ["java", "-XX:InitialRAMPercentage=75", "-XX:MaxRAMPercentage=75", "--sun-misc-unsafe-memory-access=allow", "-jar", "/opt/chatpipe/app.jar"]
