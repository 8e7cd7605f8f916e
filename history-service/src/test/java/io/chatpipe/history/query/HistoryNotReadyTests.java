package io.chatpipe.history.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.events.ChatJson;
import io.chatpipe.history.HistoryServiceApplication;
import io.chatpipe.testsupport.KafkaBroker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * While the stores cannot answer, a query is told to come back later, never given a 500 or a wrong empty page, and
 * readiness says so.
 */
class HistoryNotReadyTests {

    @Test
    void answers503WithRetryAfterWhileTheStoresAreNotRunning(@TempDir Path stateDir) throws Exception {
        // Kafka Streams never starts here, so the stores stay unavailable for the whole test.
        try (ConfigurableApplicationContext service = HistoryServiceApplication.application().run(
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + KafkaBroker.bootstrapServers(),
                "--spring.kafka.streams.auto-startup=false",
                "--chatpipe.history.query.retry-after=3s",
                "--chatpipe.history.streams.state-dir=" + stateDir)) {
            String url = "http://127.0.0.1:" + service.getEnvironment().getProperty("local.server.port")
                    + "/api/v1/conversations/alice/bob/messages";

            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.headers().firstValue("Retry-After")).hasValue("3");
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            JsonNode problem = ChatJson.MAPPER.readTree(response.body());
            assertThat(problem.get("status").asInt()).isEqualTo(503);
            assertThat(problem.has("messages")).isFalse();
        }
    }

    @Test
    void isOutOfServiceButAliveWhileTheStreamsAreNotRunning(@TempDir Path stateDir) throws Exception {
        try (ConfigurableApplicationContext service = HistoryServiceApplication.application().run(
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + KafkaBroker.bootstrapServers(),
                "--spring.kafka.streams.auto-startup=false",
                "--chatpipe.history.streams.state-dir=" + stateDir)) {
            String base = "http://127.0.0.1:" + service.getEnvironment().getProperty("local.server.port");

            HttpResponse<String> readiness = get(base + "/actuator/health/readiness");
            HttpResponse<String> overall = get(base + "/actuator/health");
            HttpResponse<String> liveness = get(base + "/actuator/health/liveness");

            assertThat(readiness.statusCode()).isEqualTo(503);
            assertThat(ChatJson.MAPPER.readTree(readiness.body()).get("status").asString())
                    .isEqualTo("OUT_OF_SERVICE");
            assertThat(overall.statusCode()).isEqualTo(503);
            assertThat(liveness.statusCode()).isEqualTo(200);
            assertThat(ChatJson.MAPPER.readTree(liveness.body()).get("status").asString()).isEqualTo("UP");
        }
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
