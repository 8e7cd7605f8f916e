package io.chatpipe.kafka;

import io.chatpipe.events.KafkaReachability;
import java.time.Duration;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.stereotype.Component;

/**
 * Readiness (health contributor {@code kafka}; a service imports it and puts it in its readiness group):
 * OUT_OF_SERVICE while Kafka does not answer, since nothing the service does works without it; liveness stays
 * UP, as a restart would not bring Kafka back. Kafka is asked at most every {@value #INTERVAL_SECONDS} s,
 * however often the health is polled.
 */
@Component("kafka")
public class KafkaReadiness implements HealthIndicator, DisposableBean {

    static final int INTERVAL_SECONDS = 2;

    private final KafkaReachability kafka;

    KafkaReadiness(KafkaAdmin admin) {
        this.kafka = new KafkaReachability(admin.getConfigurationProperties(), Duration.ofSeconds(INTERVAL_SECONDS),
                Duration.ofSeconds(2));
    }

    @Override
    public Health health() {
        KafkaReachability.Check check = kafka.check();
        return check.reachable() ? Health.up().withDetail("clusterId", check.detail()).build()
                : Health.status(Status.OUT_OF_SERVICE).withDetail("error", check.detail()).build();
    }

    @Override
    public void destroy() {
        kafka.close();
    }
}
