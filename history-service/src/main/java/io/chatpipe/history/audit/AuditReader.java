package io.chatpipe.history.audit;

import io.chatpipe.events.ChatJson;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserErased;
import io.chatpipe.events.UserId;
import io.chatpipe.history.config.HistoryProperties;
import io.chatpipe.history.config.TopicReaders;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Reads accepted messages straight from chat.messages, independent of the stores: every partition is read
 * from the offset of its first record stamped at or after {@code from} (less the allowed clock skew) up to
 * the end offsets taken when the audit starts, and each message accepted in {@code [from, to)} is written as
 * one JSON line, partition by partition in offset order. Messages of erased users (chat.erasures) are left out,
 * as history leaves them out: chat.messages still holds them until its retention removes them.
 */
@Component
public class AuditReader {

    private static final Logger log = LoggerFactory.getLogger(AuditReader.class);

    /** How many recent message ids per partition the audit remembers to drop a producer's retried duplicate. */
    private static final int DUPLICATE_WINDOW = 100_000;

    private static final Duration POLL = Duration.ofMillis(200);

    private final TopicReaders readers;
    private final Duration clockSkew;
    private final Duration stallTimeout;

    AuditReader(TopicReaders readers, HistoryProperties properties) {
        this.readers = readers;
        this.clockSkew = properties.audit().clockSkew();
        this.stallTimeout = properties.audit().stallTimeout();
    }

    /** Writes every message accepted in {@code [from, to)}, to or from {@code user} if given; returns how many. */
    long write(Instant from, Instant to, UserId user, OutputStream out) throws IOException {
        return read(from, to, user, new MessageSink() {
            @Override
            public void accept(MessageAccepted message, ConsumerRecord<byte[], byte[]> record) throws IOException {
                out.write(ChatJson.MAPPER.writeValueAsBytes(
                        AuditRecord.of(message, record.partition(), record.offset(), record.timestamp())));
                out.write('\n');
            }

            @Override
            public void flush() throws IOException {
                out.flush();
            }
        });
    }

    /**
     * Hands every message accepted in {@code [from, to)} (to or from {@code user} if given, not erased, each
     * message id once) to the sink, with its record, as far as chat.messages reached when the read started.
     *
     * @return how many it handed over
     */
    public long read(Instant from, Instant to, UserId user, MessageSink sink) throws IOException {
        Deserializer<MessageAccepted> messages = Topics.MESSAGES.values().deserializer();
        long written = 0;
        Map<UserId, UserErased> erased = erasures();
        try (var consumer = readers.consumer("chatpipe-history-audit")) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.MESSAGES.name()).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition()))
                    .sorted(Comparator.comparingInt(TopicPartition::partition))
                    .toList();
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            Map<TopicPartition, Long> starts = firstAtOrAfter(consumer, partitions, from.minus(clockSkew), ends);
            Map<TopicPartition, Long> stops = firstAtOrAfter(consumer, partitions, to.plus(clockSkew), ends);
            for (TopicPartition partition : partitions) {
                long start = starts.get(partition);
                long stop = Math.min(stops.get(partition), ends.get(partition));
                if (start < stop) {
                    written += readPartition(consumer, partition, start, stop, new Filter(from, to, user, erased),
                            messages, sink);
                }
            }
        }
        return written;
    }

    private long readPartition(KafkaConsumer<byte[], byte[]> consumer, TopicPartition partition, long start,
            long stop, Filter filter, Deserializer<MessageAccepted> messages, MessageSink sink) throws IOException {
        consumer.assign(List.of(partition));
        consumer.seek(partition, start);
        Map<String, Boolean> recent = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > DUPLICATE_WINDOW;
            }
        };
        long written = 0;
        long lastProgress = System.nanoTime();
        while (consumer.position(partition) < stop) {
            var records = consumer.poll(POLL);
            if (records.isEmpty()) {
                if (System.nanoTime() - lastProgress > stallTimeout.toNanos()) {
                    log.warn("Audit of {} stalled at offset {} of {}; ending its part of the stream", partition,
                            consumer.position(partition), stop);
                    break;
                }
                continue;
            }
            lastProgress = System.nanoTime();
            for (ConsumerRecord<byte[], byte[]> record : records) {
                if (record.offset() >= stop) {
                    break;
                }
                MessageAccepted message = read(messages, record);
                if (message == null || !filter.takes(message)
                        || recent.put(message.messageId().toString(), Boolean.TRUE) != null) {
                    continue;
                }
                sink.accept(message, record);
                written++;
            }
            sink.flush();
        }
        return written;
    }

    /** The latest erasure of each user, as chat.erasures holds them now (every partition holds all). */
    public Map<UserId, UserErased> erasures() {
        Map<UserId, UserErased> erased = new HashMap<>();
        readers.readToEnd(Topics.ERASURES, "history.erasures", record -> erased.merge(record.value().userId(),
                record.value(), (a, b) -> a.erasedAt().isAfter(b.erasedAt()) ? a : b));
        return erased;
    }

    /** Whether an erasure covers one of the message's users. */
    public static boolean erased(MessageAccepted message, Map<UserId, UserErased> erasures) {
        UserErased from = erasures.get(message.fromId());
        UserErased to = erasures.get(message.toId());
        return from != null && from.covers(message) || to != null && to.covers(message);
    }

    /** Which messages an audit writes: accepted in [from, to), of the user if one is named, not erased. */
    private record Filter(Instant from, Instant to, UserId user, Map<UserId, UserErased> erasures) {

        boolean takes(MessageAccepted message) {
            return message.acceptedAt() != null && !message.acceptedAt().isBefore(from)
                    && message.acceptedAt().isBefore(to)
                    && (user == null || user.equals(message.fromId()) || user.equals(message.toId()))
                    && !AuditReader.erased(message, erasures);
        }
    }

    /** Where {@link #read} hands the messages. */
    public interface MessageSink {

        void accept(MessageAccepted message, ConsumerRecord<byte[], byte[]> record) throws IOException;

        /** After each batch the reader got from Kafka. */
        default void flush() throws IOException {
        }
    }

    private static MessageAccepted read(Deserializer<MessageAccepted> messages, ConsumerRecord<byte[], byte[]> record) {
        try {
            return messages.deserialize(record.topic(), record.value());
        } catch (SerializationException e) {
            log.debug("Audit skips unreadable record {}-{}@{}", record.topic(), record.partition(), record.offset());
            return null;
        }
    }

    private static Map<TopicPartition, Long> firstAtOrAfter(KafkaConsumer<byte[], byte[]> consumer,
            List<TopicPartition> partitions, Instant time, Map<TopicPartition, Long> ends) {
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(partition -> query.put(partition, Math.max(0, time.toEpochMilli())));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (TopicPartition partition : partitions) {
            OffsetAndTimestamp at = found.get(partition);
            offsets.put(partition, at == null ? ends.get(partition) : at.offset());
        }
        return offsets;
    }
}
