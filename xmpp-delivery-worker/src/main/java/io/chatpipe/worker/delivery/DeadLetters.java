package io.chatpipe.worker.delivery;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.MessageDeadLettered;
import io.chatpipe.events.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * {@code chat.messages.dlq}: what can never be delivered goes there with the reason, so that the
 * messages behind it flow on and nothing is dropped without a trace. Each method returns once Kafka
 * has the dead letter, and throws when it cannot take it (the record is then tried again).
 */
@Component
class DeadLetters {

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    /** Header of a poison pill's dead letter: the value bytes that could not be read. */
    static final String ORIGINAL_VALUE_HEADER = "chatpipe-original-value";

    /** Header of every dead letter: where the record was, as topic-partition@offset. */
    static final String ORIGINAL_RECORD_HEADER = "chatpipe-original-record";

    private final KafkaTemplate<ConversationId, MessageDeadLettered> deadLetters;

    DeadLetters(KafkaTemplate<ConversationId, MessageDeadLettered> deadLetters) {
        this.deadLetters = deadLetters;
    }

    /** A message the server refuses, or that cannot become a stanza. */
    void refused(MessageAccepted message, String position, String reason) {
        send(message.conversationId(), MessageDeadLettered.of(message, reason, Instant.now()), position, null);
        log.error("Dead-lettered {} (message {}): {}", position, message.messageId(), reason);
    }

    /** A record that is not a message at all (a poison pill): its raw bytes travel in a header. */
    void unreadable(ConversationId key, byte[] value, String position, String reason) {
        String why = "unreadable record " + position + ": " + reason;
        send(key, MessageDeadLettered.of(null, why, Instant.now()), position, value);
        log.error("Dead-lettered {}: {}", position, why);
    }

    private void send(ConversationId key, MessageDeadLettered deadLetter, String position, byte[] originalValue) {
        var record = new ProducerRecord<>(Topics.DEAD_LETTERS.name(), key, deadLetter);
        record.headers().add(ORIGINAL_RECORD_HEADER, position.getBytes(StandardCharsets.UTF_8));
        if (originalValue != null) {
            record.headers().add(ORIGINAL_VALUE_HEADER, originalValue);
        }
        deadLetters.send(record).join();
    }
}
