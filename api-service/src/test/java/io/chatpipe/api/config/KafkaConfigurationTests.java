package io.chatpipe.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class KafkaConfigurationTests {

    @Test
    void declaresChatMessagesWithFourPartitionsKeptForeverByDefault() {
        NewTopic topic = new KafkaConfiguration().messagesTopic(bind(Map.of()));

        assertThat(topic.name()).isEqualTo("chat.messages");
        assertThat(topic.numPartitions()).isEqualTo(4);
        assertThat(topic.replicationFactor()).isEqualTo((short) 1);
        assertThat(topic.configs()).containsEntry("retention.ms", "-1");
    }

    @Test
    void takesPartitionsReplicasAndRetentionFromConfiguration() {
        NewTopic topic = new KafkaConfiguration().messagesTopic(bind(Map.of(
                "chatpipe.api.messages.partitions", "12",
                "chatpipe.api.messages.replicas", "3",
                "chatpipe.api.messages.retention", "30d")));

        assertThat(topic.numPartitions()).isEqualTo(12);
        assertThat(topic.replicationFactor()).isEqualTo((short) 3);
        assertThat(topic.configs()).containsEntry("retention.ms", String.valueOf(Duration.ofDays(30).toMillis()));
    }

    @Test
    void boundsEveryWaitOnKafkaByDefault() {
        ApiProperties.Publish publish = bind(Map.of()).publish();

        assertThat(publish.maxBlock()).isEqualTo(Duration.ofSeconds(3));
        assertThat(publish.deliveryTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(publish.acknowledgementTimeout()).isGreaterThan(publish.deliveryTimeout());
        assertThat(publish.retryAfter()).isEqualTo(Duration.ofSeconds(5));
    }

    private static ApiProperties bind(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("chatpipe.api", ApiProperties.class);
    }
}
