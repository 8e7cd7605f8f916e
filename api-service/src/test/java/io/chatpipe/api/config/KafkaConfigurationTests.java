package io.chatpipe.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatpipe.events.Topics;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.mock.env.MockEnvironment;

class KafkaConfigurationTests {

    @Test
    void takesTheDeploymentsTopicSettingsFromChatpipeTopics() {
        var catalogue = new KafkaConfiguration().topicCatalogue(new MockEnvironment()
                .withProperty("chatpipe.topics.default.partitions", "12")
                .withProperty("chatpipe.topics.default.replicas", "3")
                .withProperty("chatpipe.topics.chat.messages.retention", "30d"));

        NewTopic messages = catalogue.newTopic(Topics.MESSAGES);
        assertThat(messages.numPartitions()).isEqualTo(12);
        assertThat(messages.replicationFactor()).isEqualTo((short) 3);
        assertThat(messages.configs()).containsEntry("min.insync.replicas", "2")
                .containsEntry("retention.ms", String.valueOf(Duration.ofDays(30).toMillis()));
        assertThat(catalogue.newTopic(Topics.IDEMPOTENCY).replicationFactor()).isEqualTo((short) 3);
    }

    @Test
    void takesTopicSettingsFromEnvironmentVariablesAsChatpipeRunPassesThem() {
        var environment = new MockEnvironment();
        environment.getPropertySources().addFirst(new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of(
                        "CHATPIPE_TOPICS_DEFAULT_REPLICAS", "3",
                        "CHATPIPE_TOPICS_DEFAULT_MININSYNCREPLICAS", "3",
                        "CHATPIPE_TOPICS_CHAT_MESSAGES_RETENTION", "30d")));

        NewTopic messages = new KafkaConfiguration().topicCatalogue(environment).newTopic(Topics.MESSAGES);

        assertThat(messages.replicationFactor()).isEqualTo((short) 3);
        assertThat(messages.configs()).containsEntry("min.insync.replicas", "3")
                .containsEntry("retention.ms", String.valueOf(Duration.ofDays(30).toMillis()));
    }

    @Test
    void refusesToStartWithAMisspeltTopicSetting() {
        var environment = new MockEnvironment().withProperty("chatpipe.topics.chat.mesages.retention", "30d");

        assertThatThrownBy(() -> new KafkaConfiguration().topicCatalogue(environment))
                .hasMessageContaining("chatpipe.topics.chat.mesages.retention is not a topic setting");
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
