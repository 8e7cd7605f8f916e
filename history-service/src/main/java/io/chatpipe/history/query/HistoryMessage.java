package io.chatpipe.history.query;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.chatpipe.events.ConversationId;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.UserId;
import io.chatpipe.history.topology.DeliveryStatus;
import io.chatpipe.history.topology.RecordedMessage;
import java.time.Instant;
import java.util.Locale;

/**
 * A message as the query API shows it.
 *
 * @param clientMessageId the sender's own id of the message, omitted when it gave none
 * @param source          where the message came from: {@code api} (REST or WebSocket) or {@code xmpp} (captured
 *                        from the XMPP server, written in an XMPP client)
 * @param senderJid       for a message from XMPP, the full JID that sent it; omitted otherwise
 * @param partition       partition of chat.messages that holds the message, for audit
 * @param offset          its offset in that partition
 * @param status          its delivery: accepted (in Kafka, no attempt reported yet), retrying, delivered (the
 *                        recipient's XMPP server has it), received (a client of the recipient said so), read (the
 *                        recipient read it or a later message) or failed; omitted where the answer does not track
 *                        delivery (inboxes)
 */
record HistoryMessage(
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
        @JsonInclude(JsonInclude.Include.NON_NULL) DeliveryStatus.State status) {

    static HistoryMessage of(RecordedMessage recorded, DeliveryStatus status) {
        MessageAccepted message = recorded.message();
        return new HistoryMessage(message.messageId(), message.conversationId(), message.fromId(), message.toId(),
                message.message(), message.acceptedAt(), message.clientMessageId(), source(message),
                message.senderJid(), recorded.partition(), recorded.offset(), status == null ? null : status.state());
    }

    /** The message alone, where its delivery status is not at hand (an inbox lives apart from statuses). */
    static HistoryMessage withoutStatus(RecordedMessage recorded) {
        return of(recorded, null);
    }

    /** A message's source as the query API and the audit write it: {@code api} or {@code xmpp}. */
    static String source(MessageAccepted message) {
        return message.source().name().toLowerCase(Locale.ROOT);
    }
}
