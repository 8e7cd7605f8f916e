package io.chatpipe.history.health;

import java.util.Locale;
import org.apache.kafka.streams.KafkaStreams;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.stereotype.Component;

/**
 * Liveness (health contributor {@code streamsLiveness}, in the liveness group): DOWN only when Kafka Streams is
 * in ERROR, which it enters when its stream threads died for good. A thread that dies is replaced (see the
 * uncaught exception handler), and a rebalance, a restore or a broker that cannot be reached are waited out:
 * restarting the process would not help, so they leave liveness UP and take readiness down instead.
 */
@Component("streamsLiveness")
class StreamsLiveness implements HealthIndicator {

    private final StreamsBuilderFactoryBean streams;

    StreamsLiveness(StreamsBuilderFactoryBean streams) {
        this.streams = streams;
    }

    @Override
    public Health health() {
        KafkaStreams kafkaStreams = streams.getKafkaStreams();
        if (kafkaStreams == null) {
            return Health.up().withDetail("state", "not started").build();
        }
        KafkaStreams.State state = kafkaStreams.state();
        String name = state.name().toLowerCase(Locale.ROOT);
        return switch (state) {
            case ERROR, PENDING_ERROR -> Health.down().withDetail("state", name).build();
            default -> Health.up().withDetail("state", name).build();
        };
    }
}
