package io.chatpipe.worker.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatpipe.events.Topics;
import io.chatpipe.testsupport.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;

/**
 * The dispatcher on the real broker, with a handler standing in for the XMPP server so that one
 * conversation can be held up at will: the others on its partition flow on, its own later messages
 * wait their turn, and the partition's committed offset stays at its oldest message not done.
 */
class KeyOrderedDispatcherTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** The worker's default: far more than a test publishes, so only the test about the buffer pauses. */
    private static final int MAX_BUFFERED = 5000;

    /** Offsets are committed soon after, so a test waits little for them. */
    private static final Duration COMMIT_INTERVAL = Duration.ofMillis(50);

    @Test
    void aStuckConversationHoldsUpNobodyElseOnItsPartitionAndKeepsItsOffsetUncommitted() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        int partition = 2;
        String stuck = "stuck-" + run;
        String flowing = "flowing-" + run;
        String group = "dispatcher-test-" + run;
        CountDownLatch release = new CountDownLatch(1);
        List<String> handled = new CopyOnWriteArrayList<>();

        RecordHandler handler = holding(run, "stuck", release, handled);
        var dispatcher = new KeyOrderedDispatcher(consumers(group), Topics.MESSAGES.name(), group, handler,
                MAX_BUFFERED, COMMIT_INTERVAL, "test");
        long firstStuck;
        dispatcher.start();
        try {
            List<Long> offsets = publish(partition, List.of(
                    record(stuck, run + " stuck 1"),
                    record(flowing, run + " flowing 1"),
                    record(flowing, run + " flowing 2"),
                    record(stuck, run + " stuck 2"),
                    record(flowing, run + " flowing 3")));
            firstStuck = offsets.getFirst();

            await().atMost(TIMEOUT).until(() -> handled.containsAll(List.of("flowing 1", "flowing 2", "flowing 3")));
            assertThat(handled).containsExactly("flowing 1", "flowing 2", "flowing 3");
            await().atMost(TIMEOUT).until(() -> committed(group, partition) == firstStuck);

            release.countDown();
            await().atMost(TIMEOUT).until(() -> handled.size() == 5);
            assertThat(handled).containsSubsequence("stuck 1", "stuck 2");
            await().atMost(TIMEOUT).until(() -> committed(group, partition) == offsets.getLast() + 1);
        } finally {
            dispatcher.stop();
        }
    }

    @Test
    void aPartitionWithItsShareWaitingPausesAloneAndTheOthersAreStillRead() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String group = "dispatcher-share-" + run;
        CountDownLatch release = new CountDownLatch(1);
        List<String> handled = new CopyOnWriteArrayList<>();
        RecordHandler handler = holding(run, "held", release, handled);
        // 8 may wait, over the topic's 4 partitions: 2 each
        var dispatcher = new KeyOrderedDispatcher(consumers(group), Topics.MESSAGES.name(), group, handler,
                8, COMMIT_INTERVAL, "test");
        dispatcher.start();
        try {
            List<ProducerRecord<String, String>> held = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                held.add(record("held-" + run, run + " held " + i));
            }
            publish(0, held);
            await().atMost(TIMEOUT).until(() -> Boolean.TRUE.equals(dispatcher.health().getDetails().get("paused")));

            // more waiting than the whole buffer allows, all on partition 0: partition 1 is still read
            publish(1, List.of(record("free-" + run, run + " free 1"), record("free-" + run, run + " free 2")));
            await().atMost(TIMEOUT).until(() -> handled.containsAll(List.of("free 1", "free 2")));
            assertThat(handled).containsExactly("free 1", "free 2");

            release.countDown();
            await().atMost(TIMEOUT).until(() -> handled.size() == 12);
            assertThat(handled.subList(2, 12)).containsExactlyElementsOf(
                    java.util.stream.IntStream.range(0, 10).mapToObj(i -> "held " + i).toList());
        } finally {
            dispatcher.stop();
        }
    }

    /**
     * A handler standing in for the XMPP server: this run's records whose text starts with {@code held}
     * wait for {@code release}; each record of this run is noted in {@code handled} once done.
     */
    private static RecordHandler holding(String run, String held, CountDownLatch release,
                                                              List<String> handled) {
        return records -> {
            for (var record : records.records()) {
                String value = new String(record.value(), StandardCharsets.UTF_8);
                if (value.startsWith(run + " " + held)
                        && !release.await(TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    return;
                }
                if (value.startsWith(run)) {   // else another test's message
                    handled.add(value.substring(run.length() + 1));
                }
                records.done(record);
            }
        };
    }

    private static ProducerRecord<String, String> record(String key, String value) {
        return new ProducerRecord<>(Topics.MESSAGES.name(), key, value);
    }

    private static List<Long> publish(int partition, List<ProducerRecord<String, String>> records) throws Exception {
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers());
        List<Long> offsets = new ArrayList<>();
        try (var producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            for (ProducerRecord<String, String> record : records) {
                offsets.add(producer.send(new ProducerRecord<>(record.topic(), partition, record.key(), record.value()))
                        .get().offset());
            }
        }
        return offsets;
    }

    private static long committed(String group, int partition) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers()))) {
            OffsetAndMetadata offset = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                    .get(new TopicPartition(Topics.MESSAGES.name(), partition));
            return offset == null ? -1 : offset.offset();
        }
    }

    private static DefaultKafkaConsumerFactory<byte[], byte[]> consumers(String group) {
        return new DefaultKafkaConsumerFactory<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
