package io.chatpipe.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.testsupport.KafkaBroker;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** The service as the run command and the end-to-end test start it: {@code application().run(...)}. */
class ApiServiceApplicationTests {

    static ConfigurableApplicationContext service;
    static Http http;

    @BeforeAll
    static void start() {
        service = ApiServiceApplication.application().run("--server.port=0",
                "--spring.kafka.bootstrap-servers=" + KafkaBroker.bootstrapServers());
        http = Http.to(((WebServerApplicationContext) service).getWebServer().getPort());
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @Test
    void readsItsOwnConfigFileAndListensOnLoopbackOnly() {
        assertThat(service.getEnvironment().getProperty("spring.application.name")).isEqualTo("api-service");
        assertThat(service.getEnvironment().getProperty("server.address")).isEqualTo("127.0.0.1");
    }

    @Test
    void reportsHealthUp() {
        HttpResponse<String> health = http.get("/actuator/health");

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(Http.json(health).path("status").asString()).isEqualTo("UP");
    }

    @Test
    void servesPrometheusMetricsIncludingTheKafkaProducers() {
        http.postJson("/api/v1/message", "{\"fromId\": \"metrics-a\", \"toId\": \"metrics-b\", \"message\": \"hi\"}");

        HttpResponse<String> metrics = http.get("/actuator/prometheus");

        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("http_server_requests_seconds_count");
        assertThat(metrics.body()).contains("kafka_producer_");
    }
}
