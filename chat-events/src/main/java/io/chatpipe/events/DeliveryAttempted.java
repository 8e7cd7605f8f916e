package io.chatpipe.events;

import java.time.Instant;

/**
 * One attempt to hand a message to the XMPP server, and how it went.
 *
 * @param backend which delivery path tried: ejabberd-api, smack, openfire
 * @param error   what went wrong, or null when the server accepted the message
 */
public record DeliveryAttempted(
        int schema,
        MessageId messageId,
        ConversationId conversationId,
        int attempt,
        Outcome outcome,
        String backend,
        String error,
        Instant at) implements ChatEvent {

    public enum Outcome {
        /** The XMPP server took the stanza. */
        ACCEPTED,
        /** A transient failure; another attempt follows. */
        RETRYING,
        /** A permanent failure; the message went to the dead-letter topic. */
        FAILED
    }

    public static DeliveryAttempted of(
            MessageAccepted message, int attempt, Outcome outcome, String backend, String error, Instant at) {
        return new DeliveryAttempted(SCHEMA_VERSION, message.messageId(), message.conversationId(), attempt,
                outcome, backend, error, at);
    }
}
