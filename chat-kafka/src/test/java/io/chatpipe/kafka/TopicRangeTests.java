package io.chatpipe.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.events.AccountRegistered;
import io.chatpipe.events.Topic;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import io.chatpipe.testsupport.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** A range read hands over what its topics' partitions hold between two record times, as far as they went. */
class TopicRangeTests {

    private static final Duration STALL = Duration.ofSeconds(30);
    private static final int PARTITIONS = 3;

    private final String topic = "range-tests-" + UUID.randomUUID();
    private final Instant base = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    @Test
    void readsTheRecordsOfEachPartitionWrittenInTheRange() throws Exception {
        create(topic);
        for (int partition = 0; partition < PARTITIONS; partition++) {
            write(topic, partition, base.minusSeconds(10), "before-" + partition);
            write(topic, partition, base, "first-" + partition);
            write(topic, partition, base.plusSeconds(1), "second-" + partition);
            write(topic, partition, base.plusSeconds(2), "at-the-end-" + partition);
            write(topic, partition, base.plusSeconds(3), "after-" + partition);
        }

        assertThat(values(read(List.of(topic), base, base.plusSeconds(2)))).containsExactly(
                "first-0", "second-0", "first-1", "second-1", "first-2", "second-2");
    }

    @Test
    void readsFromTheBeginningToTheEndWithoutBounds() throws Exception {
        create(topic);
        write(topic, 1, base.minusSeconds(3600), "old");
        write(topic, 0, base, "new");

        assertThat(values(read(List.of(topic), null, null))).containsExactly("new", "old");
    }

    @Test
    void readsOnlyToWhereThePartitionsEndedWhenTheReadStarted() throws Exception {
        create(topic);
        for (int i = 0; i < 5; i++) {
            write(topic, 0, base, "held-" + i);
        }
        List<String> read = new ArrayList<>();
        TopicRange.read("tests", config(), List.of(topic), base, null, STALL, record -> {
            if (read.isEmpty()) {
                write(topic, 0, Instant.now(), "written-while-reading");
            }
            read.add(value(record));
        });

        assertThat(read).containsExactly("held-0", "held-1", "held-2", "held-3", "held-4");
    }

    @Test
    void readsTopicsOneAfterAnotherEachPartitionInOffsetOrder() throws Exception {
        String other = "range-tests-other-" + UUID.randomUUID();
        create(topic);
        create(other);
        for (int i = 0; i < 3; i++) {
            for (int partition = PARTITIONS - 1; partition >= 0; partition--) {
                write(other, partition, base, "other-" + partition + "-" + i);
                write(topic, partition, base, "topic-" + partition + "-" + i);
            }
        }

        List<ConsumerRecord<byte[], byte[]>> read = read(List.of(other, topic), base, base.plusSeconds(1));

        assertThat(read).hasSize(2 * PARTITIONS * 3);
        assertThat(read).isSortedAccordingTo(Comparator
                .<ConsumerRecord<byte[], byte[]>>comparingInt(record -> record.topic().equals(other) ? 0 : 1)
                .thenComparingInt(ConsumerRecord::partition).thenComparingLong(ConsumerRecord::offset));
        assertThat(values(read)).startsWith("other-0-0", "other-0-1", "other-0-2", "other-1-0");
    }

    @Test
    void passesOverTombstones() throws Exception {
        create(topic);
        write(topic, 0, base, "kept");
        write(topic, 0, base, null);

        assertThat(values(read(List.of(topic), base, null))).containsExactly("kept");
    }

    @Test
    void readsNothingOfATopicThatDoesNotExist() throws Exception {
        assertThat(read(List.of(topic), null, null)).isEmpty();
    }

    @Test
    void readsNothingOfARangeBeforeTheFirstRecordOrAfterTheLast() throws Exception {
        create(topic);
        write(topic, 0, base, "only");

        assertThat(read(List.of(topic), base.minusSeconds(60), base)).isEmpty();
        assertThat(read(List.of(topic), base.plusMillis(1), null)).isEmpty();
        assertThat(values(read(List.of(topic), Instant.EPOCH.minusSeconds(60), base.plusMillis(1))))
                .containsExactly("only");
    }

    @Test
    void tellsTheSinkAfterEachBatchItHandedOver() throws Exception {
        create(topic);
        write(topic, 0, base, "one");
        List<String> seen = new ArrayList<>();
        TopicRange.read("tests", config(), List.of(topic), null, null, STALL, new TopicRange.Sink<RuntimeException>() {
            @Override
            public void accept(ConsumerRecord<byte[], byte[]> record) {
                seen.add(value(record));
            }

            @Override
            public void flush() {
                seen.add("flush");
            }
        });

        assertThat(seen).containsExactly("one", "flush");
    }

    @Test
    void readsWithTheTopicsSerdesPassingOverWhatTheyCannotRead() throws Exception {
        Topic<UserId, AccountRegistered> accounts = new Topic<>(topic, Topics.ACCOUNTS.keys(), Topics.ACCOUNTS.values());
        create(topic);
        AccountRegistered alice = AccountRegistered.of(UserId.of("range-alice"), "hash", base);
        write(topic, 0, base, "not an account");
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers());
        try (var producer = new KafkaProducer<>(config, accounts.keys().serializer(), accounts.values().serializer())) {
            producer.send(new ProducerRecord<>(topic, 0, base.toEpochMilli(), alice.userId(), alice)).get();
        }
        List<ConsumerRecord<UserId, AccountRegistered>> read = new ArrayList<>();

        TopicRange.read("tests", config(), accounts, base, null, STALL, read::add);

        assertThat(read).singleElement().satisfies(record -> {
            assertThat(record.key()).isEqualTo(alice.userId());
            assertThat(record.value()).isEqualTo(alice);
            assertThat(record.offset()).isEqualTo(1);
            assertThat(record.timestamp()).isEqualTo(base.toEpochMilli());
        });
    }

    private static List<ConsumerRecord<byte[], byte[]>> read(List<String> topics, Instant from, Instant to)
            throws Exception {
        List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
        TopicRange.read("tests", config(), topics, from, to, STALL, read::add);
        return read;
    }

    private static List<String> values(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(TopicRangeTests::value).toList();
    }

    private static String value(ConsumerRecord<byte[], byte[]> record) {
        return new String(record.value(), StandardCharsets.UTF_8);
    }

    private static Map<String, Object> config() {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers());
        // as consumerConfig sets it: a topic is not created by reading it
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        return config;
    }

    private static void create(String topic) throws Exception {
        try (var admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
        }
    }

    /** Writes a record stamped with the given time, as a producer whose clock said it would. */
    private static void write(String topic, int partition, Instant at, String value) {
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers());
        try (var producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, partition, at.toEpochMilli(), "key", value)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
