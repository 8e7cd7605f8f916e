package io.chatpipe.worker;

import static io.chatpipe.worker.RunningWorker.DELIVERY_TIMEOUT;
import static io.chatpipe.worker.RunningWorker.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatpipe.events.DeliveryAttempted;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.MessageDeadLettered;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import io.chatpipe.events.UserProvisioned;
import io.chatpipe.testsupport.XmppServer;
import io.chatpipe.testsupport.XmppTestClient;
import io.chatpipe.worker.smack.SmackConnections;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smackx.sid.element.OriginIdElement;
import org.jivesoftware.smackx.vcardtemp.VCardManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The smack path against one real XMPP server: what a Smack client logged in as the recipient sees,
 * and what the created accounts let a person do. Each server's test class extends this one.
 */
abstract class SmackDeliveryContract {

    static RunningWorker worker;

    static XmppServer server;

    /** Starts the worker on the server with a small pool, so that it must close connections to reuse them. */
    static void startWorker(XmppServer on) {
        server = on;
        worker = RunningWorker.startSmack(on, "--chatpipe.worker.smack.max-connections=2",
                "--chatpipe.worker.smack.idle-timeout=2s");
    }

    @AfterAll
    static void stopWorker() {
        worker.close();
    }

    @Test
    void deliversWithIdAndOriginIdAndTheBodyExactlyAsSent() {
        UserId sender = UserId.of(unique("Alice"));
        UserId recipient = UserId.of(unique("bob"));
        String text = "<b>&amp; ]]> \"quoted\" 'single' \\o/ émoji 🎉";
        MessageAccepted message = message(sender, recipient, text);

        try (var bob = XmppTestClient.register(server, recipient.localpart(), "bobs-own-password")) {
            publish(message);

            Message received = bob.awaitMessage(DELIVERY_TIMEOUT, m -> message.messageId().toString().equals(m.getStanzaId()));
            assertThat(received.getBody()).isEqualTo(text);
            assertThat(received.getType()).isEqualTo(Message.Type.chat);
            assertThat(received.getFrom().asBareJid().toString()).isEqualTo(sender.jid(server.domain()));
            assertThat(OriginIdElement.getOriginId(received).getId()).isEqualTo(message.messageId().toString());
        }
        DeliveryAttempted accepted = TopicReader.awaitOne(Topics.DELIVERIES,
                r -> r.value().messageId().equals(message.messageId())).value();
        assertThat(accepted.outcome()).isEqualTo(DeliveryAttempted.Outcome.ACCEPTED);
        assertThat(accepted.backend()).isEqualTo("smack");
    }

    @Test
    void aCreatedUserLogsInWithTheDerivedPasswordAndHasTheirIdAsNickname() throws Exception {
        UserId sender = UserId.of(unique("Ann O'Neil"));
        UserId recipient = UserId.of(unique("carl"));
        MessageAccepted message = message(sender, recipient, "hello Carl");
        publish(message);
        UserProvisioned created = TopicReader.awaitOne(Topics.USERS, r -> r.key().equals(sender)).value();
        assertThat(created.created()).isTrue();

        try (var ann = XmppTestClient.login(server, sender.localpart(), RunningWorker.passwordOf(sender))) {
            assertThat(ann.connection().isAuthenticated()).isTrue();
            assertThat(VCardManager.getInstanceFor(ann.connection()).loadVCard().getNickName()).isEqualTo(sender.value());
        }
        // the recipient, created too, finds the message waiting when they first log in
        try (var carl = XmppTestClient.login(server, recipient.localpart(), RunningWorker.passwordOf(recipient))) {
            Message received = carl.awaitMessage(DELIVERY_TIMEOUT, m -> message.messageId().toString().equals(m.getStanzaId()));
            assertThat(received.getBody()).isEqualTo("hello Carl");
        }
    }

    @Test
    void sendsFromMoreSendersThanThePoolHoldsAndClosesIdleConnections() {
        UserId recipient = UserId.of(unique("dora"));
        try (var dora = XmppTestClient.register(server, recipient.localpart(), "doras-password")) {
            List<String> ids = new ArrayList<>();
            for (int round = 0; round < 2; round++) {
                for (int s = 0; s < 3; s++) {
                    MessageAccepted message = message(UserId.of("pool-sender-" + s + "-" + recipient.value()), recipient,
                            "round " + round + " from " + s);
                    ids.add(message.messageId().toString());
                    publish(message);
                }
            }
            await().atMost(DELIVERY_TIMEOUT).until(() -> dora.received().stream()
                    .map(Message::getStanzaId).toList().containsAll(ids));
        }
        SmackConnections connections = worker.context.getBean(SmackConnections.class);
        assertThat(connections.open()).isLessThanOrEqualTo(2);
        await().atMost(Duration.ofSeconds(15)).until(() -> connections.open() == 0);
    }

    @Test
    void deadLettersAStanzaTheServerRefusesAndDeliversTheNextMessage() {
        UserId sender = UserId.of(unique("erin"));
        UserId recipient = UserId.of(unique("frank"));
        // 64 KiB of markup and quotes, five times as long once escaped: past the server's 256 KiB stanza limit
        MessageAccepted tooBig = message(sender, recipient, "<\"\">".repeat(MessageAccepted.MAX_MESSAGE_BYTES / 4));
        MessageAccepted next = message(sender, recipient, "after the big one");

        try (var frank = XmppTestClient.register(server, recipient.localpart(), "franks-password")) {
            publish(tooBig);
            publish(next);

            frank.awaitMessage(DELIVERY_TIMEOUT, m -> next.messageId().toString().equals(m.getStanzaId()));
            assertThat(frank.received()).extracting(Message::getStanzaId).containsExactly(next.messageId().toString());
        }
        MessageDeadLettered deadLetter = TopicReader.awaitOne(Topics.DEAD_LETTERS, r -> r.value().message() != null
                && r.value().message().messageId().equals(tooBig.messageId())).value();
        assertThat(deadLetter.reason()).contains("refused the message").contains("policy-violation");
        assertThat(outcomeOf(tooBig).outcome()).isEqualTo(DeliveryAttempted.Outcome.FAILED);
    }

    @Test
    void deadLettersAMessageFromAnAccountThatIsNotChatpipesAndDeliversTheNext() {
        UserId stranger = UserId.of(unique("grace"));
        UserId sender = UserId.of(unique("heidi"));
        UserId recipient = UserId.of(unique("ivan"));
        // an account someone made with their own password: chatpipe cannot send as them
        XmppTestClient.register(server, stranger.localpart(), "graces-own-password").close();
        MessageAccepted fromStranger = message(stranger, recipient, "from grace");
        MessageAccepted fromSender = message(sender, recipient, "from heidi");

        publish(fromStranger);
        publish(fromSender);

        try (var ivan = XmppTestClient.login(server, recipient.localpart(), awaitPasswordOf(recipient))) {
            ivan.awaitMessage(DELIVERY_TIMEOUT, m -> fromSender.messageId().toString().equals(m.getStanzaId()));
            assertThat(ivan.received()).extracting(Message::getBody).doesNotContain("from grace");
        }
        MessageDeadLettered deadLetter = TopicReader.awaitOne(Topics.DEAD_LETTERS, r -> r.value().message() != null
                && r.value().message().messageId().equals(fromStranger.messageId())).value();
        assertThat(deadLetter.reason()).contains(stranger.jid(server.domain())).contains("existed before chatpipe");
        // the stranger's own password still works: the account was left alone
        try (var grace = XmppTestClient.login(server, stranger.localpart(), "graces-own-password")) {
            assertThat(grace.connection().isAuthenticated()).isTrue();
        }
    }

    @Test
    void anAddedContactIsOnBothRostersWithSubscriptionsBothWaysAndARemovedOneIsGone() {
        UserId owner = UserId.of(unique("Olga"));
        UserId contact = UserId.of(unique("Pavel"));

        Rosters.publish(Rosters.added(owner, contact));
        Rosters.awaitItem(server, owner, contact, org.jivesoftware.smack.roster.packet.RosterPacket.ItemType.both);
        Rosters.awaitItem(server, contact, owner, org.jivesoftware.smack.roster.packet.RosterPacket.ItemType.both);

        Rosters.publish(Rosters.removed(owner, contact));
        Rosters.awaitItem(server, owner, contact, null);
    }

    /** The recipient's account, once the worker has created it. */
    private static String awaitPasswordOf(UserId user) {
        TopicReader.awaitOne(Topics.USERS, r -> r.key().equals(user));
        return RunningWorker.passwordOf(user);
    }

    static DeliveryAttempted outcomeOf(MessageAccepted message) {
        return TopicReader.awaitOne(Topics.DELIVERIES, r -> r.value().messageId().equals(message.messageId())).value();
    }

    static MessageAccepted message(UserId from, UserId to, String text) {
        return MessageAccepted.of(MessageId.random(), from, to, text, Instant.now(), null);
    }

    static void publish(MessageAccepted message) {
        RunningWorker.publish(Topics.MESSAGES, null, message.conversationId(), message);
    }
}
