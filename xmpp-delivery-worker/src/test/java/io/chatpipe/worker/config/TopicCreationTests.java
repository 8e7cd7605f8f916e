package io.chatpipe.worker.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.events.Topics;
import io.chatpipe.testsupport.StoppableKafkaBroker;
import io.chatpipe.worker.DeliveryWorkerApplication;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The worker creates the topics it writes as the topic catalogue says, with the deployment's chatpipe.topics.*
 * overrides, on a real broker of the test's own (so that no other test created them first).
 */
class TopicCreationTests {

    @Test
    void createsItsTopicsWithTheCataloguesSettingsAndTheDeploymentsOverrides() throws Exception {
        try (var kafka = new StoppableKafkaBroker();
             ConfigurableApplicationContext service = DeliveryWorkerApplication.application().run("--server.port=0",
                     "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                     "--chatpipe.topics.default.partitions=3",
                     "--chatpipe.topics.chat.messages.dlq.retention=30d");
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            var names = List.of(Topics.DELIVERIES.name(), Topics.USERS.name(), Topics.DEAD_LETTERS.name());

            assertThat(admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS).values())
                    .allSatisfy(topic -> assertThat(topic.partitions()).hasSize(3));
            // kept forever whichever of the worker and history-service creates it first
            assertThat(config(admin, Topics.DELIVERIES.name()).get("retention.ms").value()).isEqualTo("-1");
            assertThat(config(admin, Topics.USERS.name()).get("cleanup.policy").value()).isEqualTo("compact");
            assertThat(config(admin, Topics.DEAD_LETTERS.name()).get("retention.ms").value())
                    .isEqualTo(Long.toString(Duration.ofDays(30).toMillis()));
            assertThat(config(admin, Topics.DEAD_LETTERS.name()).get("min.insync.replicas").value()).isEqualTo("1");
        }
    }

    private static Config config(Admin admin, String topic) throws Exception {
        var resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
    }
}
