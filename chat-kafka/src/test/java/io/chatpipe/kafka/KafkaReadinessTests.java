package io.chatpipe.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatpipe.testsupport.StoppableKafkaBroker;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;
import org.springframework.kafka.core.KafkaAdmin;

/** A service is ready only while it reaches Kafka: a stopped broker takes it out of service, not down. */
class KafkaReadinessTests {

    @Test
    void isOutOfServiceWhileTheBrokerIsStoppedAndUpWhenItIsBack() throws Exception {
        try (var kafka = new StoppableKafkaBroker()) {
            var readiness = new KafkaReadiness(
                    new KafkaAdmin(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers())));
            try {
                awaitStatus(readiness, Status.UP);
                assertThat(readiness.health().getDetails()).containsKey("clusterId");

                kafka.stop();
                awaitStatus(readiness, Status.OUT_OF_SERVICE);
                assertThat(readiness.health().getDetails()).containsKey("error");

                kafka.start();
                awaitStatus(readiness, Status.UP);
            } finally {
                readiness.destroy();
            }
        }
    }

    private static void awaitStatus(KafkaReadiness readiness, Status expected) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> readiness.health().getStatus().equals(expected));
    }
}
