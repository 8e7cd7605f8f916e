package io.chatpipe.api.message;

import io.chatpipe.events.ChatEvent;
import io.chatpipe.events.ConversationId;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.UserId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * A record of {@code chat.idempotency}, keyed by the message id that a sender's client message id
 * stands for ({@link MessageId#forClientMessage}). A request CLAIMED the key; the claim that came first
 * in the topic holds it, wrote the message, and then ACCEPTED it (for good) or RELEASED it (Kafka did not
 * take the message, so a retry may try again).
 *
 * @param claim      the claiming request's own random id
 * @param bodySha256 what the message says (sender, recipient, text), hashed: the same key with another
 *                   body is a conflict
 */
record IdempotencyEvent(
        int schema,
        Kind kind,
        UUID claim,
        UserId sender,
        String clientMessageId,
        String bodySha256,
        MessageId messageId,
        ConversationId conversationId) {

    enum Kind { CLAIMED, ACCEPTED, RELEASED }

    static IdempotencyEvent claimed(MessageAccepted message) {
        return of(Kind.CLAIMED, UUID.randomUUID(), message);
    }

    IdempotencyEvent accepted() {
        return new IdempotencyEvent(schema, Kind.ACCEPTED, claim, sender, clientMessageId, bodySha256, messageId,
                conversationId);
    }

    IdempotencyEvent released() {
        return new IdempotencyEvent(schema, Kind.RELEASED, claim, sender, clientMessageId, bodySha256, messageId,
                conversationId);
    }

    /** The record's key: one per sender and client message id. */
    String key() {
        return MessageId.forClientMessage(sender, clientMessageId).toString();
    }

    /** The topic key of a message that has a client message id. */
    static String keyOf(MessageAccepted message) {
        return MessageId.forClientMessage(message.fromId(), message.clientMessageId()).toString();
    }

    /** The SHA-256 of what a message says, so that a retry can be told from a different message. */
    static String bodySha256(MessageAccepted message) {
        String body = message.fromId().value() + '\u0000' + message.toId().value() + '\u0000' + message.message();
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static IdempotencyEvent of(Kind kind, UUID claim, MessageAccepted message) {
        return new IdempotencyEvent(ChatEvent.SCHEMA_VERSION, kind, claim, message.fromId(),
                message.clientMessageId(), bodySha256(message), message.messageId(), message.conversationId());
    }
}
