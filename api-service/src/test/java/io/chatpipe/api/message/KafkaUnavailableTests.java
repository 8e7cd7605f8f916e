package io.chatpipe.api.message;

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

/** When Kafka cannot take a message, the client hears so promptly: 503 and Retry-After, never a 2xx. */
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

    /** A loopback port nobody listens on. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
