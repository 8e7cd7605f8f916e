package io.chatpipe.reliability.chaos;

import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Every record of {@code chat.messages}, read from the beginning to the end it has now, each deserialized
 * with the catalogue's own serdes: what any consumer of the topic would get.
 */
public final class TopicRecords {

    /** One record: its message, or why it could not be read. */
    public record Read(int partition, long offset, MessageAccepted message, String key, byte[] raw, String error) {
    }

    private TopicRecords() {
    }

    public static List<Read> readAll(String bootstrapServers, Duration timeout) {
        var props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        // read_committed: what history-service (exactly-once) and the worker read
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<Read> records = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.MESSAGES.name(), timeout).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (ends.entrySet().stream().anyMatch(end -> consumer.position(end.getKey(), timeout) < end.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + Topics.MESSAGES.name() + " to its end in "
                            + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    records.add(read(record));
                }
            }
        }
        return records;
    }

    private static Read read(ConsumerRecord<byte[], byte[]> record) {
        String key = null;
        try {
            key = Topics.MESSAGES.keys().deserializer().deserialize(record.topic(), record.key()).value();
            MessageAccepted message = Topics.MESSAGES.values().deserializer().deserialize(record.topic(), record.value());
            return new Read(record.partition(), record.offset(), message, key, record.value(), null);
        } catch (RuntimeException e) {
            return new Read(record.partition(), record.offset(), null, key, record.value(), e.toString());
        }
    }
}
