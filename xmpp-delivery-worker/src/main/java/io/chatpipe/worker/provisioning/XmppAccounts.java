package io.chatpipe.worker.provisioning;

import io.chatpipe.events.UserId;
import io.chatpipe.worker.dispatch.DeliveryException;

/** The XMPP server's accounts, as a delivery path reaches them. */
public interface XmppAccounts {

    /**
     * Creates the account with the given password and vCard nickname (where the server keeps vCards)
     * unless it exists; an existing account is never touched.
     *
     * @return true when this call created the account, false when it existed already
     */
    boolean createIfAbsent(UserId user, String password, String nickname) throws DeliveryException;
}
