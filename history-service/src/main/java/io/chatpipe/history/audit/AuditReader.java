package io.chatpipe.history.audit;

import io.chatpipe.events.ChatJson;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserErased;
import io.chatpipe.events.UserId;
import io.chatpipe.history.config.HistoryProperties;
import io.chatpipe.history.config.TopicReaders;
import io.chatpipe.kafka.TopicRange;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;
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

    private final TopicReaders readers;
    private final Duration clockSkew;

    AuditReader(TopicReaders readers, HistoryProperties properties) {
        this.readers = readers;
        this.clockSkew = properties.audit().clockSkew();
    }

    /**
     * Writes every message accepted in {@code [from, to)}, to or from {@code user} if given; returns how many. A
     * stream whose read stalls (Kafka away) ends there, with a warning in the log.
     */
    long write(Instant from, Instant to, UserId user, OutputStream out) throws IOException {
        var lines = new MessageSink() {
            long written;

            @Override
            public void accept(MessageAccepted message, ConsumerRecord<byte[], byte[]> record) throws IOException {
                out.write(ChatJson.MAPPER.writeValueAsBytes(
                        AuditRecord.of(message, record.partition(), record.offset(), record.timestamp())));
                out.write('\n');
                written++;
            }

            @Override
            public void flush() throws IOException {
                out.flush();
            }
        };
        Filter filter = new Filter(from, to, user, erasures());
        try {
            return read(filter, lines);
        } catch (KafkaException e) {
            log.warn("Audit of [{}, {}) ends after {} messages: {}", from, to, lines.written, e.getMessage());
            return lines.written;
        }
    }

    /**
     * Hands every message accepted in {@code [from, to)} (to or from {@code user} if given, not erased, each
     * message id once) to the sink, with its record, as far as chat.messages reached when the read started.
     *
     * @return how many it handed over
     * @throws KafkaException when the read stalls (Kafka away)
     */
    public long read(Instant from, Instant to, UserId user, MessageSink sink) throws IOException {
        return read(new Filter(from, to, user, erasures()), sink);
    }

    private long read(Filter filter, MessageSink sink) throws IOException {
        var pass = new Pass(filter, sink);
        readers.readRange(Topics.MESSAGES, "history.audit", filter.from().minus(clockSkew),
                filter.to().plus(clockSkew), pass);
        return pass.written;
    }

    /**
     * One audit's way through chat.messages, which it reads partition by partition: the messages it takes, each
     * message id once within the partition's last {@value #DUPLICATE_WINDOW} (a producer's retry is written to the
     * same partition, soon after).
     */
    private static final class Pass implements TopicRange.Sink<IOException> {

        private final Deserializer<MessageAccepted> messages = Topics.MESSAGES.values().deserializer();
        private final Filter filter;
        private final MessageSink sink;
        private final Map<String, Boolean> recent = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > DUPLICATE_WINDOW;
            }
        };
        private int partition = -1;
        long written;

        Pass(Filter filter, MessageSink sink) {
            this.filter = filter;
            this.sink = sink;
        }

        @Override
        public void accept(ConsumerRecord<byte[], byte[]> record) throws IOException {
            if (record.partition() != partition) {
                partition = record.partition();
                recent.clear();
            }
            MessageAccepted message = read(messages, record);
            if (message == null || !filter.takes(message)
                    || recent.put(message.messageId().toString(), Boolean.TRUE) != null) {
                return;
            }
            sink.accept(message, record);
            written++;
        }

        @Override
        public void flush() throws IOException {
            sink.flush();
        }
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
}
