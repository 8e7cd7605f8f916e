package io.chatpipe.reliability.chaos;

import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.Topic;
import io.chatpipe.events.Topics;
import io.chatpipe.kafka.TopicReplica;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Every record of {@code chat.messages}, read from the beginning to the end it has now, each deserialized
 * with the catalogue's own serdes: what any consumer of the topic would get.
 */
public final class TopicRecords {

    /** chat.messages unread: a record the catalogue's serdes cannot read is reported, not skipped. */
    private static final Topic<byte[], byte[]> MESSAGES = new Topic<>(Topics.MESSAGES.name(), Serdes.ByteArray(),
            Serdes.ByteArray());

    /** One record: its message, or why it could not be read. */
    public record Read(int partition, long offset, MessageAccepted message, String key, byte[] raw, String error) {
    }

    private TopicRecords() {
    }

    /** Fails when Kafka returns nothing more for {@code timeout}. */
    public static List<Read> readAll(String bootstrapServers, Duration timeout) {
        // read_committed: what history-service (exactly-once) and the worker read
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        List<Read> records = new ArrayList<>();
        TopicReplica.readToEnd("chaos.messages", config, MESSAGES, record -> records.add(read(record)), timeout);
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
