package io.chatpipe.events;

import java.time.Instant;

/**
 * A chat message chatpipe took in: Kafka has it, and the sender was told so. Most come from the
 * api-service (REST and WebSocket); the rest are captured from the XMPP server's archive, written by a
 * user in an XMPP client of their own, and are not delivered into XMPP again.
 *
 * @param clientMessageId the client's own id for the message, or null
 * @param source          where the message came from; {@link Source#API} for records written before it was kept
 * @param senderJid       for a captured message, the full JID that sent it; null otherwise
 */
public record MessageAccepted(
        int schema,
        MessageId messageId,
        ConversationId conversationId,
        UserId fromId,
        UserId toId,
        String message,
        Instant acceptedAt,
        String clientMessageId,
        Source source,
        String senderJid) implements ChatEvent {

    /** Largest message body, in UTF-8 bytes: 64 KiB. */
    public static final int MAX_MESSAGE_BYTES = 64 * 1024;

    /** Where a message entered chatpipe. */
    public enum Source {
        /** The api-service: REST or WebSocket. Delivered into XMPP by the worker. */
        API,
        /** Captured from the XMPP server's archive: already in XMPP, never delivered again. */
        XMPP
    }

    public MessageAccepted {
        if (source == null) {
            source = Source.API;
        }
    }

    public static MessageAccepted of(
            MessageId id, UserId from, UserId to, String message, Instant acceptedAt, String clientMessageId) {
        return new MessageAccepted(SCHEMA_VERSION, id, ConversationId.between(from, to), from, to, message,
                acceptedAt, clientMessageId, Source.API, null);
    }

    /** A message an XMPP user sent, as captured from the archive of its recipient. */
    public static MessageAccepted captured(
            MessageId id, UserId from, UserId to, String message, Instant sentAt, String senderJid) {
        return new MessageAccepted(SCHEMA_VERSION, id, ConversationId.between(from, to), from, to, message,
                sentAt, null, Source.XMPP, senderJid);
    }

    /** Whether the worker is to deliver it into XMPP: only what did not come from there. */
    public boolean toDeliver() {
        return source == Source.API;
    }
}
