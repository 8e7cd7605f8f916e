package io.chatpipe.worker.provisioning;

import io.chatpipe.events.UserId;
import io.chatpipe.worker.delivery.DeliveryException;

/** The XMPP server's accounts, as a delivery path reaches them. */
public interface XmppAccounts {

    boolean exists(UserId user) throws DeliveryException;

    /**
     * Registers the account with the given password, never touching an existing one.
     *
     * @return true when this call created the account, false when it existed already (someone
     *         else registered it between our check and this call)
     */
    boolean register(UserId user, String password) throws DeliveryException;
}
