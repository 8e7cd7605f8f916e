package io.chatpipe.history.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.chatpipe.events.ConversationId;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.UserId;
import java.time.Instant;
import java.util.Locale;

/**
 * One line of an audit: an accepted message and the Kafka record that holds it.
 *
 * @param source    where the message came from, as history answers say it: {@code api} or {@code xmpp}
 * @param senderJid for a message from XMPP, the full JID that sent it; omitted otherwise
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
        String source,
        @JsonInclude(JsonInclude.Include.NON_NULL) String senderJid,
        int partition,
        long offset,
        Instant timestamp) {

    static AuditRecord of(MessageAccepted message, int partition, long offset, long timestamp) {
        return new AuditRecord(message.messageId(), message.conversationId(), message.fromId(), message.toId(),
                message.message(), message.acceptedAt(), message.clientMessageId(),
                message.source().name().toLowerCase(Locale.ROOT), message.senderJid(), partition, offset,
                Instant.ofEpochMilli(timestamp));
    }
}
