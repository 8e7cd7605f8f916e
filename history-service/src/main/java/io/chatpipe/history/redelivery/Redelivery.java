package io.chatpipe.history.redelivery;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserErased;
import io.chatpipe.events.UserId;
import io.chatpipe.history.audit.AuditReader;
import io.chatpipe.history.config.DurableProducers;
import io.chatpipe.history.config.HistoryProperties;
import io.chatpipe.history.config.TopicReaders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Re-drives delivery through Kafka: writes accepted messages to chat.messages again, each as it was (same key,
 * so the same partition and order; same message id; the original timestamp), for the delivery worker to deliver
 * again. Every reader of chat.messages takes a message id once: history and the audit skip the copy, and XMPP
 * clients de-duplicate the stanza, whose id and origin-id are the message id. Messages of erased users are not
 * sent again. Runs once on start when {@code chatpipe.history.redeliver} asks for it, logging its progress.
 *
 * <p>Each copy carries the header {@value #REDELIVERED_FROM}: where the message came from
 * ({@code topic-partition@offset}).
 */
@Component
public class Redelivery implements ApplicationRunner {

    static final String REDELIVERED_FROM = "chatpipe-redelivered-from";

    private static final Logger log = LoggerFactory.getLogger(Redelivery.class);

    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);

    private final HistoryProperties.Redeliver request;
    private final AuditReader reader;
    private final TopicReaders readers;
    private final KafkaTemplate<ConversationId, MessageAccepted> kafka;

    Redelivery(HistoryProperties properties, AuditReader reader, TopicReaders readers, DurableProducers producers) {
        this.request = properties.redeliver();
        this.reader = reader;
        this.readers = readers;
        this.kafka = producers.template(Topics.MESSAGES);
    }

    @Override
    public void run(ApplicationArguments args) throws IOException {
        if (!request.requested()) {
            return;
        }
        long sent = request.deadLetters() ? deadLetters(request.from(), request.to()) : range(request.from(),
                request.to());
        log.info("Redelivery done: {} messages written to {} again", sent, Topics.MESSAGES.name());
    }

    /** Sends every message accepted in {@code [from, to)} again; returns how many. */
    public long range(Instant from, Instant to) throws IOException {
        log.info("Redelivery of the messages accepted in [{}, {}) starts", from, to);
        try (Copies copies = new Copies("range [" + from + ", " + to + ")")) {
            reader.read(from, to, null, (message, record) -> copies.send(message, record));
            return copies.finish();
        }
    }

    /** Sends the messages in chat.messages.dlq again (those accepted in {@code [from, to)} when given). */
    public long deadLetters(Instant from, Instant to) {
        log.info("Redelivery of the dead letters{} starts", from == null ? "" : " accepted in [" + from + ", " + to + ")");
        Map<UserId, UserErased> erasures = reader.erasures();
        Set<String> seen = new HashSet<>();
        try (Copies copies = new Copies("dead letters")) {
            readers.readToEnd(Topics.DEAD_LETTERS, "history.redelivery", record -> {
                MessageAccepted message = record.value().message();
                if (message != null && message.acceptedAt() != null
                        && (from == null || !message.acceptedAt().isBefore(from) && message.acceptedAt().isBefore(to))
                        && !AuditReader.erased(message, erasures) && seen.add(message.messageId().toString())) {
                    copies.send(message, record);
                }
            });
            return copies.finish();
        }
    }

    /** The copies one redelivery writes, with its progress and failures. */
    private final class Copies implements AutoCloseable {

        private final String what;
        private final AtomicLong sent = new AtomicLong();
        private final AtomicLong failed = new AtomicLong();
        private long lastReport = System.nanoTime();

        Copies(String what) {
            this.what = what;
        }

        void send(MessageAccepted message, ConsumerRecord<?, ?> source) {
            // a dead letter goes back with the time it was accepted; a message of chat.messages with its own
            long timestamp = source.topic().equals(Topics.MESSAGES.name()) ? source.timestamp()
                    : message.acceptedAt().toEpochMilli();
            var copy = new ProducerRecord<>(Topics.MESSAGES.name(), null, timestamp, message.conversationId(),
                    message, List.of(new RecordHeader(REDELIVERED_FROM, (source.topic() + "-" + source.partition()
                            + "@" + source.offset()).getBytes(StandardCharsets.UTF_8))));
            kafka.send(copy).whenComplete((result, e) -> {
                if (e == null) {
                    sent.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                    log.warn("Redelivery could not write message {}: {}", message.messageId(), e.getMessage());
                }
            });
            if (System.nanoTime() - lastReport > PROGRESS_EVERY.toNanos()) {
                lastReport = System.nanoTime();
                log.info("Redelivery of {}: {} messages written again, now at {}-{}@{}", what, sent.get(),
                        source.topic(), source.partition(), source.offset());
            }
        }

        /** Waits for Kafka to have every copy; fails if any was refused. */
        long finish() {
            kafka.flush();
            if (failed.get() > 0) {
                throw new IllegalStateException("Redelivery of " + what + ": " + failed.get()
                        + " messages could not be written (" + sent.get() + " were); run it again");
            }
            return sent.get();
        }

        @Override
        public void close() {
            kafka.flush();
        }
    }
}
