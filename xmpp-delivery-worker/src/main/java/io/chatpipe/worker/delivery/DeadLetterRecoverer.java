package io.chatpipe.worker.delivery;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.MessageDeadLettered;
import io.chatpipe.events.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.stereotype.Component;

/**
 * What the error handler does with a record that can never be delivered: it goes to
 * {@code chat.messages.dlq} with the reason, a FAILED outcome goes to {@code chat.deliveries}, and
 * the messages behind it flow on. A record that cannot even be read (a poison pill) is dead-lettered
 * too, without a message, its raw bytes in a header.
 *
 * <p>If Kafka cannot take the dead letter, this throws, and the error handler tries the record again:
 * nothing is skipped without a trace.
 */
@Component
class DeadLetterRecoverer implements ConsumerRecordRecoverer {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterRecoverer.class);

    /** Header of a poison pill's dead letter: the value bytes that could not be read. */
    static final String ORIGINAL_VALUE_HEADER = "chatpipe-original-value";

    /** Header of every dead letter: where the record was, as topic-partition@offset. */
    static final String ORIGINAL_RECORD_HEADER = "chatpipe-original-record";

    private final KafkaTemplate<ConversationId, MessageDeadLettered> deadLetters;

    private final DeliveryOutcomes outcomes;

    DeadLetterRecoverer(KafkaTemplate<ConversationId, MessageDeadLettered> deadLetters, DeliveryOutcomes outcomes) {
        this.deadLetters = deadLetters;
        this.outcomes = outcomes;
    }

    @Override
    public void accept(ConsumerRecord<?, ?> record, Exception failure) {
        String position = DeliveryOutcomes.position(record);
        MessageAccepted message = record.value() instanceof MessageAccepted accepted ? accepted : null;
        String reason = message == null
                ? "unreadable record " + position + ": " + DeliveryException.reason(failure)
                : DeliveryException.reason(failure);
        ConversationId key = message != null ? message.conversationId()
                : record.key() instanceof ConversationId id ? id : null;

        var deadLetter = new ProducerRecord<>(Topics.DEAD_LETTERS.name(), key,
                MessageDeadLettered.of(message, reason, Instant.now()));
        deadLetter.headers().add(ORIGINAL_RECORD_HEADER, position.getBytes(StandardCharsets.UTF_8));
        if (message == null && unreadable(failure) instanceof DeserializationException unread
                && !unread.isKey() && unread.getData() != null) {
            deadLetter.headers().add(ORIGINAL_VALUE_HEADER, unread.getData());
        }
        deadLetters.send(deadLetter).join();
        if (message != null) {
            outcomes.failed(record, message, reason);
        }
        log.error("Dead-lettered {}{}: {}", position, message == null ? "" : " (message " + message.messageId() + ")",
                reason);
    }

    private static Throwable unreadable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof DeserializationException) {
                return t;
            }
        }
        return failure;
    }
}
