package io.chatpipe.worker.delivery;

import io.chatpipe.events.UserId;
import org.jivesoftware.smack.packet.Message;

/**
 * A way to hand a chat stanza to the XMPP server, chosen by {@code chatpipe.worker.backend}:
 * ejabberd's admin API ({@code ejabberd-api}), or a client connection logged in as the sender
 * ({@code smack}, and {@code openfire}, whose accounts come from its REST API plugin).
 */
public interface DeliveryBackend {

    /** The name recorded in each {@code DeliveryAttempted}: ejabberd-api, smack, openfire. */
    String name();

    /**
     * Hands the stanza to the server as sent by {@code from} to {@code to}; returns once the server
     * has taken it.
     */
    void send(UserId from, UserId to, Message stanza) throws DeliveryException;
}
