package io.chatpipe.worker;

import static io.chatpipe.worker.RunningWorker.unique;

import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import java.time.Instant;
import org.jivesoftware.smack.roster.packet.RosterPacket.ItemType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * chat.contacts mirrored into ejabberd's rosters through the admin API, as XMPP clients see them; and the
 * two users of every conversation delivered in made contacts, so that their clients answer with receipts
 * and markers.
 */
class ContactsTests {

    private static RunningWorker worker;

    @BeforeAll
    static void startWorker() {
        worker = RunningWorker.start();
    }

    @AfterAll
    static void stopWorker() {
        worker.close();
    }

    @Test
    void anAddedContactIsOnBothRostersWithSubscriptionsBothWaysAndARemovedOneIsGone() {
        UserId owner = UserId.of(unique("Olga"));
        UserId contact = UserId.of(unique("Pavel"));

        Rosters.publish(Rosters.added(owner, contact));
        Rosters.awaitItem(worker.ejabberd, owner, contact, ItemType.both);
        Rosters.awaitItem(worker.ejabberd, contact, owner, ItemType.both);

        Rosters.publish(Rosters.removed(owner, contact));
        Rosters.awaitItem(worker.ejabberd, owner, contact, null);
        Rosters.awaitItem(worker.ejabberd, contact, owner, ItemType.none);
    }

    @Test
    void theTwoUsersOfADeliveredConversationHaveEachOtherOnTheirRostersSubscribedBothWays() {
        UserId sender = UserId.of(unique("Quinn"));
        UserId recipient = UserId.of(unique("Rosa"));
        var message = MessageAccepted.of(MessageId.random(), sender, recipient, "hello", Instant.now(), null);

        RunningWorker.publish(Topics.MESSAGES, null, message.conversationId(), message);
        TopicReader.awaitOne(Topics.DELIVERIES, r -> r.value().messageId().equals(message.messageId()));

        Rosters.awaitItem(worker.ejabberd, sender, recipient, ItemType.both);
        Rosters.awaitItem(worker.ejabberd, recipient, sender, ItemType.both);
    }
}
