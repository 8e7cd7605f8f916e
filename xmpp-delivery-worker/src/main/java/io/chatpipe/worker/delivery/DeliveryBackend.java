package io.chatpipe.worker.delivery;

import io.chatpipe.events.UserId;
import org.jivesoftware.smack.packet.Message;

/**
 * A way to hand a chat stanza to the XMPP server: ejabberd's admin API today, a Smack client
 * connection or Openfire tomorrow.
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
