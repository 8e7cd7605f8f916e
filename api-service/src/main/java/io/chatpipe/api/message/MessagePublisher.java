package io.chatpipe.api.message;

import io.chatpipe.api.config.ApiProperties;
import io.chatpipe.events.ConversationId;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.Topics;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Writes accepted messages to {@code chat.messages}, keyed by conversation, and returns only once
 * Kafka has acknowledged them (acks=all, idempotent producer). Every wait is bounded: a Kafka that
 * cannot take a message makes it a failed {@link KafkaWriter.Ack}, never a hang.
 */
@Component
class MessagePublisher {

    private final KafkaTemplate<ConversationId, MessageAccepted> template;
    private final ApiProperties.Publish settings;

    MessagePublisher(KafkaTemplate<ConversationId, MessageAccepted> template, ApiProperties properties) {
        this.template = template;
        this.settings = properties.publish();
    }

    /** Sends all messages at once; one acknowledgement (or failure) per message, in order. */
    List<KafkaWriter.Ack> publishAll(List<MessageAccepted> messages) {
        List<ProducerRecord<ConversationId, MessageAccepted>> records = messages.stream()
                .map(message -> new ProducerRecord<>(Topics.MESSAGES.name(), message.conversationId(), message))
                .toList();
        return KafkaWriter.writeAll(template, records, settings.acknowledgementTimeout());
    }

    /** @throws MessageNotStoredException when Kafka did not acknowledge the message in time */
    void publish(MessageAccepted message) {
        KafkaWriter.Ack ack = publishAll(List.of(message)).getFirst();
        if (!ack.stored()) {
            throw new MessageNotStoredException(settings.retryAfter(), ack.failure());
        }
    }
}
