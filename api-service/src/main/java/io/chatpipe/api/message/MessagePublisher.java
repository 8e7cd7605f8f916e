package io.chatpipe.api.message;

import io.chatpipe.api.config.ApiProperties;
import io.chatpipe.events.ConversationId;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.Topics;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RetriableException;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Writes accepted messages to {@code chat.messages}, keyed by conversation, and returns only once
 * Kafka has acknowledged them (acks=all, idempotent producer). Every wait is bounded: a Kafka that
 * cannot take the message makes it a {@link MessageNotStoredException}, never a hang.
 */
@Component
class MessagePublisher {

    private final KafkaTemplate<ConversationId, MessageAccepted> template;
    private final ApiProperties.Publish settings;

    MessagePublisher(KafkaTemplate<ConversationId, MessageAccepted> template, ApiProperties properties) {
        this.template = template;
        this.settings = properties.publish();
    }

    void publish(MessageAccepted message) {
        try {
            // send() itself waits at most max.block.ms for metadata or buffer space
            template.send(Topics.MESSAGES.name(), message.conversationId(), message)
                    .get(settings.acknowledgementTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            // the broker refused or never acknowledged the record: Kafka could not take it
            throw new MessageNotStoredException(settings.retryAfter(), e.getCause());
        } catch (TimeoutException e) {
            throw new MessageNotStoredException(settings.retryAfter(), e);
        } catch (RuntimeException e) {
            if (unavailable(e)) {
                throw new MessageNotStoredException(settings.retryAfter(), e);
            }
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MessageNotStoredException(settings.retryAfter(), e);
        }
    }

    /**
     * Whether send() failed for want of a broker (no metadata or buffer space within max.block.ms, or
     * an interrupt) rather than for a bug or a wrong setting of ours, which stay 500s.
     */
    private static boolean unavailable(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof RetriableException || cause instanceof InterruptException) {
                return true;
            }
        }
        return false;
    }
}
