package io.chatpipe.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.DeliveryAttempted;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.ReadHorizonMoved;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import io.chatpipe.events.UserProvisioned;
import io.chatpipe.testsupport.Ejabberd;
import io.chatpipe.testsupport.ServiceProcess;
import io.chatpipe.testsupport.TopicRecords;
import io.chatpipe.testsupport.XmppServer;
import io.chatpipe.testsupport.XmppTestClient;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Capture against the real thing: ejabberd archiving into PostgreSQL, an ordinary XMPP user on a Smack client,
 * the real broker, and capture in a process of its own. {@link ProsodyCaptureTests} runs the same on Prosody.
 */
class ArchiveCaptureTests {

    private static final Logger log = LoggerFactory.getLogger(ArchiveCaptureTests.class);

    private static final Duration CAPTURED = Duration.ofSeconds(60);

    /** The XMPP server whose archive is captured. */
    XmppServer server() {
        return Ejabberd.shared();
    }

    /** Capture of {@link #server()}'s archive, healthy. */
    ServiceProcess startCapture() throws IOException, InterruptedException {
        return RunningCapture.start();
    }

    private final String run = Integer.toString(ThreadLocalRandom.current().nextInt(1_000_000));

    @Test
    void repliesReceiptsAndMarkersOfAnOrdinaryXmppUserReachKafkaOnceAndNothingElseDoes() throws Exception {
        String alice = "alice" + run;
        String bob = "bob" + run;
        String carol = "carol" + run;
        provisioned(alice);
        MessageId received = MessageId.random();
        MessageId displayed = MessageId.random();
        try (var capture = startCapture();
             var aliceClient = XmppTestClient.register(server(), alice, "pw-" + run);
             var bobClient = XmppTestClient.register(server(), bob, "pw-" + run);
             var carolClient = XmppTestClient.register(server(), carol, "pw-" + run)) {
            bobClient.sendChat(jid(alice), "hello <alice> & all", "o1-" + run);
            bobClient.sendChat(jid(alice), "second", "o2-" + run);
            bobClient.sendReceipt(jid(alice), received.toString());
            bobClient.sendChat(jid(carol), "between two users chatpipe does not know", "o3-" + run);
            aliceClient.sendChat(jid(bob), "alice's own client: her copy is outgoing, bob's archive not ours", "o4-" + run);
            bobClient.sendDisplayed(jid(alice), displayed.toString());

            var horizon = TopicRecords.await(Topics.READS, r -> r.value().userId().equals(UserId.of(bob)),
                    found -> !found.isEmpty(), CAPTURED).getFirst().value();
            assertThat(horizon.lastReadMessageId()).isEqualTo(displayed);
            assertThat(horizon.conversationId()).isEqualTo(ConversationId.between(UserId.of(alice), UserId.of(bob)));
        }

        // the marker came last: everything before it has been captured, or skipped
        List<MessageAccepted> captured = TopicRecords.readAll(Topics.MESSAGES, r -> involves(r, bob, alice, carol))
                .stream().map(ConsumerRecord::value).toList();
        assertThat(captured).extracting(MessageAccepted::message).containsExactly("hello <alice> & all", "second");
        assertThat(captured).allSatisfy(message -> {
            assertThat(message.source()).isEqualTo(MessageAccepted.Source.XMPP);
            assertThat(message.fromId()).isEqualTo(UserId.of(bob));
            assertThat(message.toId()).isEqualTo(UserId.of(alice));
            assertThat(message.senderJid()).isEqualTo(jid(bob) + "/test");
        });
        var evidence = TopicRecords.readAll(Topics.DELIVERIES,
                r -> r.value().messageId().equals(received) || r.value().messageId().equals(displayed));
        assertThat(evidence).extracting(r -> r.value().outcome())
                .containsExactly(DeliveryAttempted.Outcome.RECEIVED, DeliveryAttempted.Outcome.READ);
    }

    @Test
    void aCaptureKilledWhileAnXmppUserSends500RepliesCatchesUpWithEachOnceInOrder() throws Exception {
        String alice = "alice" + run;
        String bob = "bob" + run;
        provisioned(alice);
        List<String> bodies = IntStream.range(0, 500).mapToObj(i -> "reply " + i).toList();
        try (var aliceClient = XmppTestClient.register(server(), alice, "pw-" + run);
             var bobClient = XmppTestClient.register(server(), bob, "pw-" + run)) {
            var capture = startCapture();
            Thread sender = Thread.ofVirtual().start(() -> {
                for (int i = 0; i < bodies.size(); i++) {
                    bobClient.sendChat(jid(alice), bodies.get(i), "k" + i + "-" + run);
                    if (i % 50 == 49) {
                        pause(Duration.ofMillis(100));   // replies keep coming while capture is killed and back
                    }
                }
            });
            try {
                TopicRecords.await(Topics.MESSAGES, r -> involves(r, bob, alice), found -> found.size() >= 100, CAPTURED);
            } finally {
                capture.kill();
            }
            int capturedBeforeKill = TopicRecords.readAll(Topics.MESSAGES, r -> involves(r, bob, alice)).size();
            log.info("{} of {} replies captured when capture was killed", capturedBeforeKill, bodies.size());
            pause(Duration.ofSeconds(2));   // archived meanwhile, kept for capture by PostgreSQL's slot
            try (var restarted = startCapture()) {
                sender.join();
                var all = TopicRecords.await(Topics.MESSAGES, r -> involves(r, bob, alice),
                        found -> distinctIds(found).size() == bodies.size(), CAPTURED);
                assertThat(firstOfEach(all)).as("each reply, in the order sent").isEqualTo(bodies);
                log.info("{} records for {} replies: {} written again after the kill (same ids, taken once by history)",
                        all.size(), bodies.size(), all.size() - bodies.size());
                assertThat(capturedBeforeKill).as("killed mid-stream").isLessThan(bodies.size());
            }
        }
    }

    @Test
    void aSecondCaptureOfTheSameArchiveStandsByAndTakesOverWhenTheReaderIsKilled() throws Exception {
        String alice = "alice" + run;
        String bob = "bob" + run;
        provisioned(alice);
        List<String> bodies = IntStream.range(0, 300).mapToObj(i -> "reply " + i).toList();
        try (var aliceClient = XmppTestClient.register(server(), alice, "pw-" + run);
             var bobClient = XmppTestClient.register(server(), bob, "pw-" + run);
             var first = startCapture();
             var second = startCapture()) {
            assertThat(RunningCapture.reading(first)).as("the first capture reads the slot").isTrue();
            assertThat(RunningCapture.reading(second)).as("the second, healthy, stands by").isFalse();
            for (int i = 0; i < 100; i++) {
                bobClient.sendChat(jid(alice), bodies.get(i), "s" + i + "-" + run);
            }
            TopicRecords.await(Topics.MESSAGES, r -> involves(r, bob, alice), found -> distinctIds(found).size() >= 100,
                    CAPTURED);
            assertThat(RunningCapture.reading(second)).as("still standing by while the first reads").isFalse();

            first.kill();
            // archived while no capture reads: PostgreSQL keeps them in the slot for whoever reads it next
            for (int i = 100; i < bodies.size(); i++) {
                bobClient.sendChat(jid(alice), bodies.get(i), "s" + i + "-" + run);
            }

            var all = TopicRecords.await(Topics.MESSAGES, r -> involves(r, bob, alice),
                    found -> distinctIds(found).size() == bodies.size(), CAPTURED);
            assertThat(firstOfEach(all)).as("each reply, in the order sent").isEqualTo(bodies);
            assertThat(RunningCapture.reading(second)).as("the standby reads now").isTrue();
            log.info("{} records for {} replies: {} written again by the standby (same ids, taken once by history)",
                    all.size(), bodies.size(), all.size() - bodies.size());
        }
    }

    private void provisioned(String user) {
        TopicRecords.create(Topics.USERS);
        TopicRecords.write(Topics.USERS, UserId.of(user),
                UserProvisioned.of(UserId.of(user), jid(user), true, Instant.now()));
    }

    private String jid(String user) {
        return user + "@" + server().domain();
    }

    private static boolean involves(ConsumerRecord<ConversationId, MessageAccepted> record, String... users) {
        MessageAccepted message = record.value();
        return message != null && message.source() == MessageAccepted.Source.XMPP
                && List.of(users).contains(message.fromId().value()) && List.of(users).contains(message.toId().value());
    }

    /** The bodies of the records, the first copy of each message id only, in the topic's order. */
    private static List<String> firstOfEach(List<ConsumerRecord<ConversationId, MessageAccepted>> records) {
        var ids = new LinkedHashSet<MessageId>();
        return records.stream().filter(record -> ids.add(record.value().messageId()))
                .map(record -> record.value().message()).toList();
    }

    private static LinkedHashSet<MessageId> distinctIds(List<ConsumerRecord<ConversationId, MessageAccepted>> found) {
        var ids = new LinkedHashSet<MessageId>();
        found.forEach(record -> ids.add(record.value().messageId()));
        return ids;
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
