package io.chatpipe.worker.openfire;

import io.chatpipe.events.UserId;
import io.chatpipe.worker.config.ConditionalOnBackend;
import io.chatpipe.worker.config.WorkerProperties;
import io.chatpipe.worker.config.WorkerProperties.Backend;
import io.chatpipe.worker.contacts.XmppRosters;
import io.chatpipe.worker.dispatch.DeliveryException;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Rosters through Openfire's REST API plugin: {@code POST /users/{username}/roster} with a RosterItem
 * ({@code jid}, {@code nickname}, {@code subscriptionType} 3 = both, {@code groups}) on each side;
 * an item that exists (409) is replaced with {@code PUT /users/{username}/roster/{jid}}. Removing is
 * {@code DELETE /users/{owner}/roster/{jid}} and the contact's item set to subscription 0 (none).
 */
@Component
@ConditionalOnBackend(Backend.OPENFIRE)
class OpenfireRosters implements XmppRosters {

    static final int NONE = 0;

    static final int BOTH = 3;

    private final OpenfireRestApi api;

    private final String domain;

    OpenfireRosters(OpenfireRestApi api, WorkerProperties properties) {
        this.api = api;
        this.domain = properties.xmppDomain();
    }

    @Override
    public void add(UserId owner, UserId contact) throws DeliveryException {
        put(owner, contact, BOTH);
        put(contact, owner, BOTH);
    }

    @Override
    public void remove(UserId owner, UserId contact) throws DeliveryException {
        OpenfireRestApi.Answer deleted = api.delete(List.of("users", owner.localpart(), "roster", contact.jid(domain)));
        if (deleted.status() != 200 && deleted.status() != 404) {
            throw fail(deleted, "DELETE users/" + owner.localpart() + "/roster");
        }
        put(contact, owner, NONE);
    }

    private void put(UserId owner, UserId contact, int subscription) throws DeliveryException {
        Map<String, Object> item = Map.of("jid", contact.jid(domain), "nickname", contact.value(),
                "subscriptionType", subscription, "groups", List.of("chatpipe"));
        OpenfireRestApi.Answer created = api.post(List.of("users", owner.localpart(), "roster"), item);
        if (created.status() == 201 || created.status() == 200) {
            return;
        }
        if (created.status() != 409) {
            throw fail(created, "POST users/" + owner.localpart() + "/roster");
        }
        OpenfireRestApi.Answer updated = api.put(List.of("users", owner.localpart(), "roster", contact.jid(domain)), item);
        if (updated.status() != 200) {
            throw fail(updated, "PUT users/" + owner.localpart() + "/roster");
        }
    }

    private static DeliveryException fail(OpenfireRestApi.Answer answer, String what) {
        return answer.status() == 400 || answer.status() == 404
                ? new DeliveryException.Permanent(answer.reason(what))
                : new DeliveryException.Transient(answer.reason(what));
    }
}
