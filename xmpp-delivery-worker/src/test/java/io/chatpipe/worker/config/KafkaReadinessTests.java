package io.chatpipe.worker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatpipe.worker.DeliveryWorkerApplication;
import io.chatpipe.testsupport.StoppableKafkaBroker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** The delivery worker is ready only while it reaches Kafka: a stopped broker takes it out of service, not down. */
class KafkaReadinessTests {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void isOutOfServiceWhileTheBrokerIsStoppedAndReadyWhenItIsBack() throws Exception {
        try (var kafka = new StoppableKafkaBroker();
             ConfigurableApplicationContext service = DeliveryWorkerApplication.application().run("--server.port=0",
                     "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers())) {
            String base = "http://127.0.0.1:" + service.getEnvironment().getProperty("local.server.port");
            awaitStatus(base + "/actuator/health/readiness", 200);

            kafka.stop();
            awaitStatus(base + "/actuator/health/readiness", 503);
            assertThat(status(base + "/actuator/health")).isEqualTo(503);
            assertThat(status(base + "/actuator/health/liveness")).isEqualTo(200);

            kafka.start();
            awaitStatus(base + "/actuator/health/readiness", 200);
            assertThat(status(base + "/actuator/health")).isEqualTo(200);
        }
    }

    private static void awaitStatus(String url, int expected) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> status(url) == expected);
    }

    private static int status(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }
}
