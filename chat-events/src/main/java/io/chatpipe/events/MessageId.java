package io.chatpipe.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * A message id, assigned once by the api-service. It is the XMPP stanza id and origin-id too, so
 * clients can de-duplicate an at-least-once delivery.
 */
public record MessageId(UUID value) {

    public MessageId {
        if (value == null) {
            throw new InvalidIdException("message id must not be null");
        }
    }

    public static MessageId random() {
        return new MessageId(UUID.randomUUID());
    }

    /**
     * The id of a message a client names with its own id: a retry with the same client message id
     * from the same sender gets the same message id, whichever instance takes it.
     */
    public static MessageId forClientMessage(UserId sender, String clientMessageId) {
        byte[] name = (sender.value() + '\u0000' + clientMessageId).getBytes(StandardCharsets.UTF_8);
        return new MessageId(UUID.nameUUIDFromBytes(name));
    }

    /**
     * The id of a message captured from the XMPP server, from what identifies its stanza there (the
     * sender's JID and origin-id, or the archive's own id): capturing the same stanza twice gives one id.
     */
    public static MessageId forCapturedStanza(String stanzaKey) {
        return new MessageId(UUID.nameUUIDFromBytes(("xmpp\u0000" + stanzaKey).getBytes(StandardCharsets.UTF_8)));
    }

    @JsonCreator
    public static MessageId of(String value) {
        try {
            return new MessageId(UUID.fromString(value));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidIdException("message id must be a UUID");
        }
    }

    @JsonValue
    @Override
    public String toString() {
        return value.toString();
    }
}
