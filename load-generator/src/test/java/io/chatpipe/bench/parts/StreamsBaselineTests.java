package io.chatpipe.bench.parts;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.testsupport.KafkaBroker;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The minimal Kafka Streams application reads a whole topic on the real broker, writes its store's changelog once
 * per record, and leaves no internal topic behind.
 */
class StreamsBaselineTests {

    private final String topic = "bench-streams-baseline-tests-" + UUID.randomUUID().toString().substring(0, 8);

    @Test
    void readsTheWholeTopicWithOneChangelogRecordPerRecordAndCleansUp(@TempDir Path stateDir) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaBroker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
            try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers()),
                    new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < 300; i++) {
                    // the same key again and again: each record is still kept apart, under its key and offset
                    producer.send(new ProducerRecord<>(topic, "conversation-" + (i % 3), "message " + i));
                }
            }

            StreamsBaseline.Result result = StreamsBaseline.run(KafkaBroker.bootstrapServers(), topic, stateDir);

            assertThat(result.messages()).isEqualTo(300);
            // one record per message, and a transaction marker per partition and commit
            assertThat(result.changelogRecords()).isBetween(300L, 400L);
            assertThat(result.seconds()).isPositive();
            assertThat(admin.listTopics().names().get()).noneMatch(name -> name.startsWith(result.applicationId()));
        }
    }
}
