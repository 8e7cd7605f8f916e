package io.chatpipe.api.message;

import static io.chatpipe.api.message.MessageApiTestBodies.batch;
import static io.chatpipe.api.message.MessageApiTestBodies.message;
import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.api.ApiServiceApplication;
import io.chatpipe.api.Http;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import tools.jackson.databind.JsonNode;

/**
 * When Kafka cannot take a message, the client hears so promptly: 503 and Retry-After, never a 2xx,
 * whether the broker was never reachable or stopped while the service ran.
 */
class KafkaUnavailableTests {

    @Test
    void answers503WithRetryAfterWhenNoBrokerCanBeReached() throws IOException {
        try (ConfigurableApplicationContext service = ApiServiceApplication.application().run(
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=127.0.0.1:" + closedPort(),
                "--spring.kafka.admin.auto-create=false",
                "--chatpipe.api.publish.max-block=1s",
                "--chatpipe.api.publish.delivery-timeout=2s",
                "--chatpipe.api.publish.retry-after=7s")) {
            Http http = Http.to(((WebServerApplicationContext) service).getWebServer().getPort());

            HttpResponse<String> seed = http.postJson("/api/v1/message", message("carol", "dave", "hello?"));
            HttpResponse<String> idempotent = http.postJson("/api/v1/messages",
                    message("carol", "dave", "hello?", "client-1"));

            for (HttpResponse<String> response : List.of(seed, idempotent)) {
                assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
                assertThat(response.headers().firstValue("Retry-After")).hasValue("7");
                assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
                assertThat(Http.json(response).path("status").asInt()).isEqualTo(503);
                assertThat(Http.json(response).path("detail").asString()).contains("Retry");
            }
        }
    }

    @Test
    void answersABatchThatKafkaCannotTake503WithRetryAfterAndEachItemsReason() throws IOException {
        try (ConfigurableApplicationContext service = unreachable()) {
            Http http = Http.to(((WebServerApplicationContext) service).getWebServer().getPort());

            HttpResponse<String> response = http.postJson("/api/v1/messages/batch", batch(
                    message("carol", "dave", "one"), message("carol", "dave", "two", "client-2"),
                    message("carol", "", "invalid")));

            assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
            assertThat(response.headers().firstValue("Retry-After")).hasValue("7");
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            JsonNode problem = Http.json(response);
            assertThat(problem.path("accepted").asInt()).isZero();
            assertThat(problem.path("results").valueStream().map(result -> result.path("status").asInt()))
                    .containsExactly(503, 503, 400);
            assertThat(problem.path("results").get(0).path("retryAfter").asInt()).isEqualTo(7);
            assertThat(problem.path("results").valueStream().filter(result -> result.has("messageId"))).isEmpty();
        }
    }

    @Test
    void answers503OnceTheBrokerStopsAndNothingIsClaimedAccepted() {
        var broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.afterPropertiesSet();
        boolean stopped = false;
        try (ConfigurableApplicationContext service = ApiServiceApplication.application().run(
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + broker.getBrokersAsString(),
                "--chatpipe.api.publish.max-block=1s",
                "--chatpipe.api.publish.delivery-timeout=2s",
                "--chatpipe.api.publish.retry-after=7s")) {
            Http http = Http.to(((WebServerApplicationContext) service).getWebServer().getPort());
            HttpResponse<String> whileUp = http.postJson("/api/v1/messages", message("erin", "frank", "up", "c-1"));
            assertThat(whileUp.statusCode()).as(whileUp.body()).isEqualTo(202);

            broker.destroy();
            stopped = true;
            HttpResponse<String> single = http.postJson("/api/v1/messages", message("erin", "frank", "down"));
            HttpResponse<String> keyed = http.postJson("/api/v1/messages", message("erin", "frank", "down", "c-2"));
            HttpResponse<String> batch = http.postJson("/api/v1/messages/batch",
                    batch(message("erin", "frank", "down 1"), message("erin", "frank", "down 2", "c-3")));

            for (HttpResponse<String> response : List.of(single, keyed, batch)) {
                assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
                assertThat(response.headers().firstValue("Retry-After")).hasValue("7");
            }
        } finally {
            if (!stopped) {
                broker.destroy();
            }
        }
    }

    private static ConfigurableApplicationContext unreachable() throws IOException {
        return ApiServiceApplication.application().run(
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=127.0.0.1:" + closedPort(),
                "--spring.kafka.admin.auto-create=false",
                "--chatpipe.api.publish.max-block=1s",
                "--chatpipe.api.publish.delivery-timeout=2s",
                "--chatpipe.api.publish.retry-after=7s");
    }

    /** A loopback port nobody listens on. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
