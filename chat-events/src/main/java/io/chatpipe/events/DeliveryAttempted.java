package io.chatpipe.events;

import java.time.Instant;

/**
 * Where a message's delivery stands: the outcome of one attempt to hand it to the XMPP server (written
 * by the worker), or evidence seen later in the XMPP server's archive (written by capture): the row
 * that stores it for its recipient, the recipient's receipt, their read marker.
 *
 * @param backend which delivery path tried (ejabberd-api, smack, openfire), or for evidence where it was
 *                seen ({@link #ARCHIVE})
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
        FAILED,
        /** Evidence: the recipient's archive stores the message, so every client of theirs can sync it. */
        STORED,
        /** Evidence: a client of the recipient said it received the message (XEP-0184, XEP-0333 received). */
        RECEIVED,
        /** Evidence: the recipient displayed the message and those before it (XEP-0333 displayed). */
        READ;

        /** Whether this is evidence from the recipient's side rather than the outcome of an attempt. */
        public boolean evidence() {
            return this == STORED || this == RECEIVED || this == READ;
        }

        /**
         * How far this report says the recipient's side has confirmed the message: delivered 1 (the XMPP server
         * took it, or the recipient's archive has it), received 2, read 3; 0 for an attempt that failed. Once
         * confirmed, a message's status only moves on to a higher one (history and webhooks both hold to this).
         */
        public int confirmed() {
            return switch (this) {
                case ACCEPTED, STORED -> 1;
                case RECEIVED -> 2;
                case READ -> 3;
                case RETRYING, FAILED -> 0;
            };
        }
    }

    /** The {@code backend} of evidence seen in the XMPP server's archive. */
    public static final String ARCHIVE = "xmpp-archive";

    public static DeliveryAttempted of(
            MessageAccepted message, int attempt, Outcome outcome, String backend, String error, Instant at) {
        return new DeliveryAttempted(SCHEMA_VERSION, message.messageId(), message.conversationId(), attempt,
                outcome, backend, error, at);
    }

    /** Evidence from the XMPP server's archive about a message; attempt 0, since no attempt made it. */
    public static DeliveryAttempted evidence(
            MessageId messageId, ConversationId conversationId, Outcome outcome, Instant at) {
        if (!outcome.evidence()) {
            throw new IllegalArgumentException(outcome + " is the outcome of an attempt, not evidence");
        }
        return new DeliveryAttempted(SCHEMA_VERSION, messageId, conversationId, 0, outcome, ARCHIVE, null, at);
    }
}
