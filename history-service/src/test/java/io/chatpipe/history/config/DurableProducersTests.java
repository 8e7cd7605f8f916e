package io.chatpipe.history.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.events.Topics;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;

/** What history writes on a request's behalf is sent at once, and counts as written once every replica has it. */
class DurableProducersTests {

    @Test
    void sendsAtOnceAndOnlyAsEveryReplicaHasIt() {
        var producers = new DurableProducers(new KafkaProperties(), () -> List.of("127.0.0.1:9092"));
        try {
            // marking a conversation read waits for its horizon's acknowledgement: a linger would be added to it
            assertThat(producers.template(Topics.READS).getProducerFactory().getConfigurationProperties())
                    .containsEntry(ProducerConfig.LINGER_MS_CONFIG, "0")
                    .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                    .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        } finally {
            producers.destroy();
        }
    }
}
