package io.chatpipe.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicCatalogueTests {

    @Test
    void keepsMessagesAndTheirOutcomesForeverAndCompactsStates() {
        var catalogue = TopicCatalogue.defaults();

        assertThat(catalogue.newTopic(Topics.MESSAGES).configs())
                .containsEntry("retention.ms", "-1").containsEntry("cleanup.policy", "delete");
        // history and the worker both create chat.deliveries: whichever comes first, it is kept forever
        assertThat(catalogue.settings(Topics.DELIVERIES.name()).keptForever()).isTrue();
        assertThat(catalogue.newTopic(Topics.USERS).configs())
                .containsEntry("cleanup.policy", "compact").doesNotContainKey("retention.ms");
        assertThat(catalogue.settings(Topics.PRESENCE.name()).retention()).isEqualTo(Duration.ofDays(1));
        assertThat(catalogue.settings(Topics.IDEMPOTENCY).retention()).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void createsEveryTopicOnOneBrokerByDefault() {
        var messages = TopicCatalogue.defaults().newTopic(Topics.MESSAGES);

        assertThat(messages.numPartitions()).isEqualTo(4);
        assertThat(messages.replicationFactor()).isEqualTo((short) 1);
        assertThat(messages.configs()).containsEntry("min.insync.replicas", "1");
    }

    @Test
    void aClusterDeploymentReplicatesEveryTopicAndWaitsForTwoCopies() {
        var catalogue = TopicCatalogue.withOverrides(Map.of("default.replicas", "3"));

        assertThat(catalogue.newTopics(Topics.MESSAGES, Topics.ACCOUNTS, Topics.webhookOutbox("e-1")))
                .allSatisfy(topic -> {
                    assertThat(topic.replicationFactor()).isEqualTo((short) 3);
                    assertThat(topic.configs()).containsEntry("min.insync.replicas", "2");
                });
        assertThat(catalogue.defaultSettings().replicas()).isEqualTo((short) 3);
    }

    @Test
    void oneTopicsOverridesBeatTheDefaultsAndLeaveTheOthersAlone() {
        var catalogue = TopicCatalogue.withOverrides(Map.of(
                "default.partitions", "12",
                "chat.messages.retention", "30d",
                "chat.messages.min-insync-replicas", "1",
                "chat.presence.partitions", "2",
                "chat.webhooks.outbox.retention", "PT12H"));

        assertThat(catalogue.newTopic(Topics.MESSAGES).configs()).containsEntry("retention.ms",
                Long.toString(Duration.ofDays(30).toMillis()));
        assertThat(catalogue.newTopic(Topics.MESSAGES).numPartitions()).isEqualTo(12);
        assertThat(catalogue.newTopic(Topics.PRESENCE).numPartitions()).isEqualTo(2);
        // an endpoint's outbox stays one partition, so that its events keep their order
        assertThat(catalogue.newTopic(Topics.webhookOutbox("e-1")).numPartitions()).isEqualTo(1);
        assertThat(catalogue.settings(Topics.webhookOutbox("e-1").name()).retention()).isEqualTo(Duration.ofHours(12));
        assertThat(catalogue.settings(Topics.READS.name()).keptForever()).isTrue();
    }

    @Test
    void takesSettingsNamedAsEnvironmentVariablesBindThem() {
        // CHATPIPE_TOPICS_DEFAULT_REPLICAS=3 CHATPIPE_TOPICS_DEFAULT_MININSYNCREPLICAS=3
        var catalogue = TopicCatalogue.withOverrides(Map.of("default.replicas", "3", "default.mininsyncreplicas", "3"));

        assertThat(catalogue.newTopic(Topics.MESSAGES).configs()).containsEntry("min.insync.replicas", "3");
    }

    @Test
    void refusesAMisspeltTopicOrSetting() {
        assertThatThrownBy(() -> TopicCatalogue.withOverrides(Map.of("chat.mesages.retention", "1d")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("chatpipe.topics.chat.mesages.retention is not a topic setting");
        assertThatThrownBy(() -> TopicCatalogue.withOverrides(Map.of("default.replication", "3")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("min-insync-replicas");
    }

    @Test
    void refusesSettingsNoWriteCouldMeet() {
        assertThatThrownBy(() -> TopicCatalogue.withOverrides(Map.of("default.min-insync-replicas", "2")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("min-insync-replicas (2) cannot exceed replicas (1)");
        assertThatThrownBy(() -> TopicCatalogue.withOverrides(Map.of("chat.messages.retention", "a week")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("chatpipe.topics of chat.messages: retention is forever");
        assertThatThrownBy(() -> TopicCatalogue.withOverrides(Map.of("chat.idempotency.retention", "0s")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("longer than 0");
        assertThatThrownBy(() -> TopicCatalogue.withOverrides(Map.of("chat.users.cleanup-policy", "keep")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("delete or compact");
    }
}
