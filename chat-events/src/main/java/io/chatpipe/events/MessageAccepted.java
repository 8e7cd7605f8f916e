package io.chatpipe.events;

import java.time.Instant;

/**
 * A chat message the api-service accepted: Kafka has it, and the client was told so.
 *
 * @param clientMessageId the client's own id for the message, or null
 */
public record MessageAccepted(
        int schema,
        MessageId messageId,
        ConversationId conversationId,
        UserId fromId,
        UserId toId,
        String message,
        Instant acceptedAt,
        String clientMessageId) implements ChatEvent {

    /** Largest message body, in UTF-8 bytes: 64 KiB. */
    public static final int MAX_MESSAGE_BYTES = 64 * 1024;

    public static MessageAccepted of(
            MessageId id, UserId from, UserId to, String message, Instant acceptedAt, String clientMessageId) {
        return new MessageAccepted(SCHEMA_VERSION, id, ConversationId.between(from, to), from, to, message,
                acceptedAt, clientMessageId);
    }
}
