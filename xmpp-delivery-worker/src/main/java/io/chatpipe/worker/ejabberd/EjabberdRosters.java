package io.chatpipe.worker.ejabberd;

import io.chatpipe.events.UserId;
import io.chatpipe.worker.config.ConditionalOnBackend;
import io.chatpipe.worker.config.WorkerProperties;
import io.chatpipe.worker.config.WorkerProperties.Backend;
import io.chatpipe.worker.contacts.XmppRosters;
import io.chatpipe.worker.dispatch.DeliveryException;
import org.springframework.stereotype.Component;

/**
 * Rosters through ejabberd's admin API: an added contact is an item with subscription both on each
 * side; a removed one leaves the owner's roster, and the contact's item for the owner drops to
 * subscription none, as ejabberd does when a client removes an item.
 */
@Component
@ConditionalOnBackend(Backend.EJABBERD_API)
class EjabberdRosters implements XmppRosters {

    /** The roster group chatpipe's contacts appear under. */
    static final String GROUP = "chatpipe";

    private final EjabberdApi api;

    private final String domain;

    EjabberdRosters(EjabberdApi api, WorkerProperties properties) {
        this.api = api;
        this.domain = properties.xmppDomain();
    }

    @Override
    public void add(UserId owner, UserId contact) throws DeliveryException {
        api.call(new AddRosterItem(owner.localpart(), domain, contact.localpart(), domain, contact.value(), GROUP, "both"));
        api.call(new AddRosterItem(contact.localpart(), domain, owner.localpart(), domain, owner.value(), GROUP, "both"));
    }

    @Override
    public void remove(UserId owner, UserId contact) throws DeliveryException {
        api.call(new DeleteRosterItem(owner.localpart(), domain, contact.localpart(), domain));
        api.call(new AddRosterItem(contact.localpart(), domain, owner.localpart(), domain, owner.value(), GROUP, "none"));
    }
}
