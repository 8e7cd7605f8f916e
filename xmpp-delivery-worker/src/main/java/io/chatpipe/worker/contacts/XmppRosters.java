package io.chatpipe.worker.contacts;

import io.chatpipe.events.UserId;
import io.chatpipe.worker.dispatch.DeliveryException;

/** The XMPP server's rosters, as a delivery path reaches them. Both users' accounts exist. */
public interface XmppRosters {

    /**
     * Makes each of the two a contact of the other, with presence subscriptions both ways, so that
     * their XMPP clients show each other as contacts. Doing it again changes nothing.
     */
    void add(UserId owner, UserId contact) throws DeliveryException;

    /**
     * Takes the contact off the owner's roster; the subscriptions end both ways, as when a person
     * removes a contact in an XMPP client. Doing it again changes nothing.
     */
    void remove(UserId owner, UserId contact) throws DeliveryException;
}
