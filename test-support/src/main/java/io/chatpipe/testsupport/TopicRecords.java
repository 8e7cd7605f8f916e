package io.chatpipe.testsupport;

import io.chatpipe.events.Topic;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The test JVM's broker's topics as anyone checking what a service wrote would see them: read from the
 * beginning with the topic catalogue's serdes; and records put on them, as another service would.
 */
public final class TopicRecords {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    private TopicRecords() {
    }

    /** Creates the topics that do not exist yet, with the broker's partitions, as the services that own them would. */
    public static void create(Topic<?, ?>... topics) {
        try (var admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers()))) {
            for (Topic<?, ?> topic : topics) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic.name(), KafkaBroker.PARTITIONS, (short) 1))).all().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create " + topic.name(), e);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Writes one record and waits until the broker has it. */
    public static <K, V> void write(Topic<K, V> topic, K key, V value) {
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers());
        try (var producer = new KafkaProducer<>(config, topic.keys().serializer(), topic.values().serializer())) {
            producer.send(new ProducerRecord<>(topic.name(), key, value)).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot write to " + topic.name(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The records matching {@code match}, in the order read, once {@code enough} says they are enough; fails
     * with what was found when that does not happen in time.
     */
    public static <K, V> List<ConsumerRecord<K, V>> await(Topic<K, V> topic, Predicate<ConsumerRecord<K, V>> match,
                                                          Predicate<List<ConsumerRecord<K, V>>> enough, Duration timeout) {
        try (var consumer = fromBeginning(KafkaBroker.bootstrapServers(), topic.name(), timeout)) {
            List<ConsumerRecord<K, V>> matched = new ArrayList<>();
            Instant deadline = Instant.now().plus(timeout);
            while (Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<byte[], byte[]> raw : consumer.poll(Duration.ofMillis(200))) {
                    readable(topic, raw).filter(match).ifPresent(matched::add);
                }
                if (enough.test(matched)) {
                    return matched;
                }
            }
            throw new AssertionError("in " + timeout + ", " + topic.name() + " had only " + matched.size()
                    + " matching records: " + matched.stream().map(ConsumerRecord::value).limit(20).toList());
        }
    }

    /** Every record matching, from the beginning to the end the topic has now. */
    public static <K, V> List<ConsumerRecord<K, V>> readAll(Topic<K, V> topic, Predicate<ConsumerRecord<K, V>> match) {
        return readAll(KafkaBroker.bootstrapServers(), topic.name(), READ_TIMEOUT).stream()
                .flatMap(record -> readable(topic, record).stream()).filter(match).toList();
    }

    /**
     * Every record of the topic on the broker at {@code bootstrapServers}, as bytes, from the beginning to the end it
     * has now (committed transactions only, as the services read): for a check of records the catalogue's serdes
     * may not read, or of a broker other than the test JVM's.
     */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrapServers, String topic, Duration timeout) {
        try (var consumer = fromBeginning(bootstrapServers, topic, timeout)) {
            Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment(), timeout);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            Instant deadline = Instant.now().plus(timeout);
            while (ends.entrySet().stream().anyMatch(end -> consumer.position(end.getKey(), timeout) < end.getValue())) {
                if (Instant.now().isAfter(deadline)) {
                    throw new AssertionError("could not read " + topic + " to its end in " + timeout);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    /**
     * The record read with the topic's serdes, or none where they cannot read it: other tests on the shared broker
     * write malformed records on purpose (what the services make of them is what those tests check), and a record
     * nobody can read matches no predicate. Checks of malformed records read bytes ({@link #readAll(String, String,
     * Duration)}).
     */
    private static <K, V> Optional<ConsumerRecord<K, V>> readable(Topic<K, V> topic, ConsumerRecord<byte[], byte[]> raw) {
        try {
            return Optional.of(read(topic, raw));
        } catch (SerializationException unreadable) {
            return Optional.empty();
        }
    }

    /** The record read with the topic's serdes, as its consumers read it. */
    public static <K, V> ConsumerRecord<K, V> read(Topic<K, V> topic, ConsumerRecord<byte[], byte[]> record) {
        return new ConsumerRecord<>(record.topic(), record.partition(), record.offset(), record.timestamp(),
                record.timestampType(), record.serializedKeySize(), record.serializedValueSize(),
                topic.keys().deserializer().deserialize(record.topic(), record.key()),
                topic.values().deserializer().deserialize(record.topic(), record.value()),
                record.headers(), record.leaderEpoch());
    }

    /** Every value written under this key, in order, to the end the topic has now; a tombstone is a null. */
    public static <K, V> List<V> valuesUnder(Topic<K, V> topic, K key) {
        return readAll(topic, record -> Objects.equals(key, record.key())).stream().map(ConsumerRecord::value).toList();
    }

    /** A consumer of every partition of the topic from its beginning, committed records only, as the services read. */
    private static KafkaConsumer<byte[], byte[]> fromBeginning(String bootstrapServers, String topic, Duration timeout) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        var consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }
}
