package io.chatpipe.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.events.TopicCatalogue;
import io.chatpipe.events.Topics;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.mock.env.MockEnvironment;

class TopicCatalogueAutoConfigurationTests {

    private final ApplicationContextRunner contexts = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(TopicCatalogueAutoConfiguration.class));

    @Test
    void takesTheDeploymentsTopicSettingsFromChatpipeTopics() {
        contexts.withPropertyValues(
                        "chatpipe.topics.default.partitions=12",
                        "chatpipe.topics.default.replicas=3",
                        "chatpipe.topics.chat.messages.retention=30d")
                .run(context -> {
                    TopicCatalogue catalogue = context.getBean(TopicCatalogue.class);

                    NewTopic messages = catalogue.newTopic(Topics.MESSAGES);
                    assertThat(messages.numPartitions()).isEqualTo(12);
                    assertThat(messages.replicationFactor()).isEqualTo((short) 3);
                    assertThat(messages.configs()).containsEntry("min.insync.replicas", "2")
                            .containsEntry("retention.ms", String.valueOf(Duration.ofDays(30).toMillis()));
                    assertThat(catalogue.newTopic(Topics.IDEMPOTENCY).replicationFactor()).isEqualTo((short) 3);
                });
    }

    @Test
    void takesTopicSettingsFromEnvironmentVariablesAsChatpipeRunPassesThem() {
        var environment = new MockEnvironment();
        environment.getPropertySources().addFirst(new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of(
                        "CHATPIPE_TOPICS_DEFAULT_REPLICAS", "3",
                        "CHATPIPE_TOPICS_DEFAULT_MININSYNCREPLICAS", "3",
                        "CHATPIPE_TOPICS_CHAT_MESSAGES_RETENTION", "30d")));

        NewTopic messages = new TopicCatalogueAutoConfiguration().topicCatalogue(environment).newTopic(Topics.MESSAGES);

        assertThat(messages.replicationFactor()).isEqualTo((short) 3);
        assertThat(messages.configs()).containsEntry("min.insync.replicas", "3")
                .containsEntry("retention.ms", String.valueOf(Duration.ofDays(30).toMillis()));
    }

    @Test
    void refusesToStartWithAMisspeltTopicSetting() {
        contexts.withPropertyValues("chatpipe.topics.chat.mesages.retention=30d")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("chatpipe.topics.chat.mesages.retention is not a topic setting"));
    }

    @Test
    void keepsTheCatalogueAContextDeclaresItself() {
        TopicCatalogue own = TopicCatalogue.withOverrides(Map.of("default.partitions", "1"));

        contexts.withBean(TopicCatalogue.class, () -> own)
                .withPropertyValues("chatpipe.topics.default.partitions=12")
                .run(context -> assertThat(context).getBean(TopicCatalogue.class).isSameAs(own));
    }

    @Test
    void isListedAsAnAutoConfigurationSoEveryServiceWithChatKafkaHasTheCatalogue() {
        assertThat(ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader()).getCandidates())
                .contains(TopicCatalogueAutoConfiguration.class.getName());
    }
}
