package io.chatpipe.history.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.chatpipe.events.ConversationId;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.UserId;
import java.time.Instant;

/**
 * One line of an audit: an accepted message and the Kafka record that holds it.
 *
 * @param timestamp the record's Kafka timestamp
 */
record AuditRecord(
        MessageId messageId,
        ConversationId conversationId,
        UserId fromId,
        UserId toId,
        String message,
        Instant acceptedAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) String clientMessageId,
        int partition,
        long offset,
        Instant timestamp) {

    static AuditRecord of(MessageAccepted message, int partition, long offset, long timestamp) {
        return new AuditRecord(message.messageId(), message.conversationId(), message.fromId(), message.toId(),
                message.message(), message.acceptedAt(), message.clientMessageId(), partition, offset,
                Instant.ofEpochMilli(timestamp));
    }
}
