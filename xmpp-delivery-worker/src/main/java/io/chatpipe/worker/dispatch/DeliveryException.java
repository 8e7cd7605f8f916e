package io.chatpipe.worker.dispatch;

/**
 * A delivery path failed to hand something to the XMPP server. The kind says what the worker does
 * next, in the manner of Smack's {@code SmackException} and its nested kinds. It lives with the dispatcher, which
 * uses none of the worker's other packages, because the delivery, contacts and provisioning packages all throw it:
 * in any one of them it would tie the others to it in a cycle.
 */
public abstract sealed class DeliveryException extends Exception {

    private DeliveryException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The reason a record failed, in words: the delivery failure's message, or the root cause. */
    public static String reason(Throwable failure) {
        Throwable root = failure;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof DeliveryException) {
                return t.getMessage();
            }
            root = t;
        }
        return root.getMessage() == null ? root.getClass().getName() : root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    /** The server is down, slow or failing: retry with backoff, for as long as it takes, keeping order. */
    public static final class Transient extends DeliveryException {
        public Transient(String message, Throwable cause) {
            super(message, cause);
        }

        public Transient(String message) {
            this(message, null);
        }
    }

    /**
     * The server refuses this message or user and always will (a JID it cannot hold, a stanza it
     * cannot parse): dead-letter it with the reason and go on with the next message.
     */
    public static final class Permanent extends DeliveryException {
        public Permanent(String message) {
            super(message, null);
        }
    }

    /**
     * The server refuses the worker itself (credentials, permissions, a command it does not
     * offer). Nothing is wrong with the message, so it is retried like a transient failure until an
     * operator fixes the configuration, never dead-lettered.
     */
    public static final class Auth extends DeliveryException {
        public Auth(String message) {
            super(message, null);
        }
    }
}
