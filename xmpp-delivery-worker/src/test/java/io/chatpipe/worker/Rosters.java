package io.chatpipe.worker;

import static org.awaitility.Awaitility.await;

import io.chatpipe.events.ContactChanged;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import io.chatpipe.testsupport.XmppServer;
import io.chatpipe.testsupport.XmppTestClient;
import java.time.Duration;
import java.time.Instant;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.RosterEntry;
import org.jivesoftware.smack.roster.packet.RosterPacket;
import org.jxmpp.jid.impl.JidCreate;

/** What a person's XMPP client shows as their contacts, after the api-service recorded a change. */
final class Rosters {

    private Rosters() {
    }

    static void publish(ContactChanged change) {
        RunningWorker.publish(Topics.CONTACTS, null, change.owner(), change);
    }

    static ContactChanged added(UserId owner, UserId contact) {
        return ContactChanged.added(owner, contact, Instant.now());
    }

    static ContactChanged removed(UserId owner, UserId contact) {
        return ContactChanged.removed(owner, contact, Instant.now());
    }

    /**
     * Logs in as the user (an account the worker created) until their roster shows the other with the
     * subscription, or without any item when {@code subscription} is null.
     */
    static void awaitItem(XmppServer server, UserId user, UserId other, RosterPacket.ItemType subscription) {
        await().atMost(RunningWorker.DELIVERY_TIMEOUT).pollInterval(Duration.ofMillis(500)).until(() -> {
            try (var client = XmppTestClient.login(server, user.localpart(), RunningWorker.passwordOf(user))) {
                Roster roster = Roster.getInstanceFor(client.connection());
                roster.reloadAndWait();
                RosterEntry entry = roster.getEntry(JidCreate.bareFrom(other.jid(server.domain())));
                return subscription == null ? entry == null
                        : entry != null && entry.getType() == subscription && other.value().equals(entry.getName());
            } catch (IllegalStateException notYet) {
                return false;   // the account is not created yet
            }
        });
    }
}
