package io.chatpipe.kafka;

import io.chatpipe.events.Topic;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The records of some topics written in a time range, read once: a one-off job's read (an audit, a redelivery, a
 * webhook replay), where {@link TopicReplica} is what an instance keeps.
 *
 * <p>Each partition is read from its first record stamped at or after {@code from} up to (not including) its first
 * stamped at or after {@code to}, by offset, as {@code offsetsForTimes} finds them; never beyond where it ended
 * when the read started, so that records written meanwhile are not waited for. The partitions are read one after
 * another, in the order of the topics given and then by partition number, each in offset order, a poll's batch at
 * a time: a range larger than memory streams through. Tombstones are passed over.
 */
public final class TopicRange {

    private static final Logger log = LoggerFactory.getLogger(TopicRange.class);

    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(200);

    private TopicRange() {
    }

    /** Where the records of a range go, raw: each caller reads them with its topics' serdes. */
    @FunctionalInterface
    public interface Sink<E extends Exception> {

        void accept(ConsumerRecord<byte[], byte[]> record) throws E;

        /** After each batch read from Kafka, e.g. to flush what was written of it to a client. */
        default void flush() throws E {
        }
    }

    /**
     * Hands every record of the topics written in {@code [from, to)} to the sink, on the calling thread; a topic
     * that does not exist has none.
     *
     * @param name what the read is for: its client id says it
     * @param config the consumer's settings, as {@link TopicReplica#consumerConfig} makes them
     * @param from the range's start; {@code null} for each partition's beginning
     * @param to the range's end (exclusive); {@code null} for where each partition ends as the read starts
     * @param stall how long a partition may return nothing before the read gives up (Kafka away)
     * @throws TimeoutException when a partition stalls, as when Kafka does not answer a question about the topics
     */
    public static <E extends Exception> void read(String name, Map<String, Object> config, List<String> topics,
            Instant from, Instant to, Duration stall, Sink<E> sink) throws E {
        Map<String, Object> named = new HashMap<>(config);
        named.put(ConsumerConfig.CLIENT_ID_CONFIG, "chatpipe-" + name + "-" + UUID.randomUUID());
        try (var consumer = new KafkaConsumer<>(named, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, METADATA_TIMEOUT);
                if (infos != null) {
                    infos.stream().map(info -> new TopicPartition(topic, info.partition()))
                            .sorted(Comparator.comparingInt(TopicPartition::partition)).forEach(partitions::add);
                }
            }
            if (partitions.isEmpty()) {
                return;
            }
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, METADATA_TIMEOUT);
            Map<TopicPartition, Long> starts = from == null ? consumer.beginningOffsets(partitions, METADATA_TIMEOUT)
                    : firstAtOrAfter(consumer, partitions, from, ends);
            Map<TopicPartition, Long> stops = to == null ? ends : firstAtOrAfter(consumer, partitions, to, ends);
            for (TopicPartition partition : partitions) {
                long stop = Math.min(stops.get(partition), ends.get(partition));
                if (starts.get(partition) < stop) {
                    read(consumer, partition, starts.get(partition), stop, stall, sink);
                }
            }
        }
    }

    /**
     * Hands every record of the topic written in {@code [from, to)} to {@code each}, read with the topic's serdes
     * (records they cannot read are passed over, with a warning), as {@link #read(String, Map, List, Instant,
     * Instant, Duration, Sink)} reads them.
     */
    public static <K, V> void read(String name, Map<String, Object> config, Topic<K, V> topic, Instant from,
            Instant to, Duration stall, Consumer<ConsumerRecord<K, V>> each) {
        read(name, config, List.of(topic.name()), from, to, stall, record -> {
            K key;
            V value;
            try {
                key = topic.keys().deserializer().deserialize(record.topic(), record.key());
                value = topic.values().deserializer().deserialize(record.topic(), record.value());
            } catch (RuntimeException e) {
                log.warn("Skipped unreadable record {}-{}@{}: {}", record.topic(), record.partition(),
                        record.offset(), e.toString());
                return;
            }
            each.accept(typed(record, key, value));
        });
    }

    /** The record as its topic's serdes read it. */
    static <K, V> ConsumerRecord<K, V> typed(ConsumerRecord<byte[], byte[]> record, K key, V value) {
        return new ConsumerRecord<>(record.topic(), record.partition(), record.offset(), record.timestamp(),
                record.timestampType(), record.serializedKeySize(), record.serializedValueSize(), key, value,
                record.headers(), record.leaderEpoch());
    }

    private static <E extends Exception> void read(KafkaConsumer<byte[], byte[]> consumer, TopicPartition partition,
            long start, long stop, Duration stall, Sink<E> sink) throws E {
        consumer.assign(List.of(partition));
        consumer.seek(partition, start);
        long position = start;
        long lastProgress = System.nanoTime();
        while (position < stop) {
            ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
            for (ConsumerRecord<byte[], byte[]> record : records) {
                if (record.offset() >= stop) {
                    break;
                }
                if (record.value() != null) {
                    sink.accept(record);
                }
            }
            if (!records.isEmpty()) {
                sink.flush();
            }
            // the position, not the records: transaction markers and aborted records move it without a record
            long now = consumer.position(partition, METADATA_TIMEOUT);
            if (now > position) {
                position = now;
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > stall.toNanos()) {
                throw new TimeoutException("reading " + partition + " stalled at offset " + position + " of "
                        + stop + ": nothing read for " + stall);
            }
        }
    }

    /** Each partition's first offset stamped at or after the instant, or its end when there is none. */
    private static Map<TopicPartition, Long> firstAtOrAfter(KafkaConsumer<byte[], byte[]> consumer,
            List<TopicPartition> partitions, Instant at, Map<TopicPartition, Long> ends) {
        Map<TopicPartition, Long> times = new HashMap<>();
        // a time before 1970 (a range's start less a skew) is every record's past; Kafka refuses negative times
        partitions.forEach(partition -> times.put(partition, Math.max(0, at.toEpochMilli())));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(times, METADATA_TIMEOUT);
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (TopicPartition partition : partitions) {
            OffsetAndTimestamp first = found.get(partition);
            offsets.put(partition, first == null ? ends.get(partition) : first.offset());
        }
        return offsets;
    }
}
