package io.chatpipe.worker.delivery;

import io.chatpipe.events.MessageId;
import io.chatpipe.events.UserId;
import io.chatpipe.worker.dispatch.DeliveryException;
import java.util.List;
import org.jivesoftware.smack.packet.Message;

/**
 * A way to hand a chat stanza to the XMPP server, chosen by {@code chatpipe.worker.backend}:
 * ejabberd's admin API ({@code ejabberd-api}), or a client connection logged in as the sender
 * ({@code smack}, and {@code openfire}, whose accounts come from its REST API plugin).
 *
 * <p>Delivery has two steps, so that a conversation's messages can go one after the other without
 * waiting for each to be confirmed: {@link #send} hands a stanza to the server, in order;
 * {@link #confirm} returns once everything sent before it is safe with the server, or with those
 * that are not.
 */
public interface DeliveryBackend {

    /**
     * One stanza as sent.
     *
     * @param sentAt when its send returned, as {@link System#nanoTime()}
     */
    record Sent(UserId from, UserId to, Message stanza, long sentAt) {

        /** The message's id: the stanza's. */
        public MessageId id() {
            return MessageId.of(stanza.getStanzaId());
        }
    }

    /** The name recorded in each {@code DeliveryAttempted}: ejabberd-api, smack, openfire. */
    String name();

    /**
     * Hands the stanza to the server as sent by {@code from} to {@code to}; returns once the server
     * has taken it, after the stanzas sent before it by the same caller.
     */
    void send(UserId from, UserId to, Message stanza) throws DeliveryException;

    /**
     * Returns once the server will not lose the stanzas just sent by this caller ({@code sent}, in
     * their order), or has shown it may have lost some: stored, or handled by the recipients' sessions.
     * Returns those not confirmed, in their order, to be sent again; the rest are safe. A failure means
     * any of them may be lost, and all are to be sent again. By default the server is as good as its
     * word at {@link #send}.
     */
    default List<Sent> confirm(List<Sent> sent) throws DeliveryException, InterruptedException {
        return List.of();
    }
}
