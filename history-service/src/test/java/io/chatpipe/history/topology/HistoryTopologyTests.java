package io.chatpipe.history.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.DeliveryAttempted;
import io.chatpipe.events.DeliveryAttempted.Outcome;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.ReadHorizonMoved;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserErased;
import io.chatpipe.events.UserId;
import io.chatpipe.history.topology.DeliveryStatus.State;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.stream.IntStream;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real topology method, fed through TopologyTestDriver, read through the same store readers the API uses. */
class HistoryTopologyTests {

    private static final UserId ALICE = UserId.of("alice");
    private static final UserId BOB = UserId.of("bob");
    private static final UserId BOBBY = UserId.of("bobby");
    private static final ConversationId ALICE_BOB = ConversationId.between(ALICE, BOB);
    private static final Instant T0 = Instant.parse("2026-01-02T03:04:05.123456Z");

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<ConversationId, MessageAccepted> messages;
    private TestInputTopic<ConversationId, DeliveryAttempted> deliveries;
    private TestInputTopic<ConversationId, ReadHorizonMoved> reads;
    private TestInputTopic<UserId, UserErased> erasures;
    private ConversationStore history;
    private InboxStore inboxes;

    @BeforeEach
    void startTopology() {
        StreamsBuilder builder = new StreamsBuilder();
        new HistoryTopology().build(builder);
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "history-topology-tests");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        driver = new TopologyTestDriver(builder.build(), config);
        messages = driver.createInputTopic(Topics.MESSAGES.name(),
                Topics.MESSAGES.keys().serializer(), Topics.MESSAGES.values().serializer());
        deliveries = driver.createInputTopic(Topics.DELIVERIES.name(),
                Topics.DELIVERIES.keys().serializer(), Topics.DELIVERIES.values().serializer());
        reads = driver.createInputTopic(Topics.READS.name(),
                Topics.READS.keys().serializer(), Topics.READS.values().serializer());
        erasures = driver.createInputTopic(Topics.ERASURES.name(),
                Topics.ERASURES.keys().serializer(), Topics.ERASURES.values().serializer());
        history = new ConversationStore(driver.getKeyValueStore(HistoryTopology.MESSAGES_STORE),
                driver.getKeyValueStore(HistoryTopology.MESSAGE_STATUS_STORE),
                driver.getKeyValueStore(HistoryTopology.READERS_STORE));
        inboxes = new InboxStore(driver.getKeyValueStore(HistoryTopology.READERS_STORE),
                driver.getKeyValueStore(HistoryTopology.MESSAGES_STORE));
    }

    @AfterEach
    void stopTopology() {
        driver.close();
    }

    @Test
    void keepsAConversationInArrivalOrder() {
        List<MessageAccepted> sent = List.of(
                send(ALICE, BOB, "first", 0), send(ALICE, BOB, "second", 1), send(ALICE, BOB, "third", 2));

        assertThat(newest(ALICE_BOB, 100)).isEqualTo(sent);
    }

    @Test
    void ordersByArrivalNotByTheTimeInTheMessage() {
        MessageAccepted later = send(ALICE, BOB, "stamped later, arrived first", 60);
        MessageAccepted earlier = send(BOB, ALICE, "stamped earlier, arrived second", 0);

        assertThat(newest(ALICE_BOB, 100)).containsExactly(later, earlier);
    }

    @Test
    void holdsBothDirectionsInOneConversation() {
        MessageAccepted question = send(ALICE, BOB, "tea?", 0);
        MessageAccepted answer = send(BOB, ALICE, "yes", 1);

        assertThat(newest(ConversationId.between(BOB, ALICE), 100)).containsExactly(question, answer);
        assertThat(newest(ALICE_BOB, 100)).containsExactly(question, answer);
    }

    @Test
    void recordsAMessageIdOnceWhateverRetriesHappenedUpstream() {
        MessageAccepted once = send(ALICE, BOB, "once", 0);
        messages.pipeInput(once.conversationId(), once);
        MessageAccepted next = send(BOB, ALICE, "next", 1);
        messages.pipeInput(once.conversationId(), once);

        assertThat(newest(ALICE_BOB, 100)).containsExactly(once, next);
        assertThat(inboxes.conversations(BOB)).singleElement().satisfies(entry -> assertThat(entry.unread()).isOne());
    }

    @Test
    void keepsOtherConversationsOut() {
        MessageAccepted toBob = send(ALICE, BOB, "to bob", 0);
        MessageAccepted toBobby = send(ALICE, BOBBY, "to bobby", 1);
        MessageAccepted bobToBobby = send(BOB, BOBBY, "bob to bobby", 2);

        assertThat(newest(ALICE_BOB, 100)).containsExactly(toBob);
        assertThat(newest(ConversationId.between(ALICE, BOBBY), 100)).containsExactly(toBobby);
        assertThat(newest(ConversationId.between(BOBBY, BOB), 100)).containsExactly(bobToBobby);
    }

    @Test
    void answersAnUnknownConversationWithNoMessages() {
        send(ALICE, BOB, "hello", 0);

        assertThat(newest(ConversationId.between(ALICE, UserId.of("carol")), 100)).isEmpty();
    }

    @Test
    void boundsAnAnswerToTheNewestMessagesOldestFirst() {
        send(ALICE, BOB, "one", 0);
        MessageAccepted two = send(BOB, ALICE, "two", 1);
        MessageAccepted three = send(ALICE, BOB, "three", 2);

        assertThat(newest(ALICE_BOB, 2)).containsExactly(two, three);
    }

    @Test
    void keepsOrderPastTheFirstTenOffsets() {
        // zero-padded offsets: offset 10 must not sort between 1 and 2
        List<MessageAccepted> sent = IntStream.range(0, 12)
                .mapToObj(i -> send(ALICE, BOB, "message " + i, i))
                .toList();

        assertThat(newest(ALICE_BOB, 100)).isEqualTo(sent);
    }

    @Test
    void recordsThePartitionAndOffsetOfEachMessage() {
        send(ALICE, BOBBY, "elsewhere", 0);
        MessageAccepted message = send(ALICE, BOB, "here", 1);

        assertThat(history.find(message.messageId())).hasValueSatisfying(recorded -> {
            assertThat(recorded.message()).isEqualTo(message);
            assertThat(recorded.partition()).isZero(); // the test driver has one partition
            assertThat(recorded.offset()).isEqualTo(1);
        });
    }

    @Test
    void findsAMessageByItsIdFromTheOneChangelogRecordTheMessageWrote() {
        MessageAccepted first = send(ALICE, BOB, "first", 0);
        messages.pipeInput(first.conversationId(), first);
        MessageAccepted second = send(BOB, ALICE, "second", 1);

        assertThat(history.find(first.messageId())).map(RecordedMessage::message).contains(first);
        assertThat(history.find(second.messageId())).map(RecordedMessage::message).contains(second);
        assertThat(history.find(MessageId.random())).isEmpty();
        // the id is kept beside the message, not in a changelog of its own: one record per message, none per retry
        assertThat(driver.createOutputTopic("history-topology-tests-" + HistoryTopology.MESSAGES_STORE + "-changelog",
                new StringDeserializer(), new ByteArrayDeserializer()).readKeyValuesToList()).hasSize(2);
        assertThat(driver.producedTopicNames()).noneMatch(topic -> topic.contains("message-ids"));
        assertThat(newest(ALICE_BOB, 100)).containsExactly(first, second);
    }

    @Test
    void pagesBackwardsAndForwardsByPosition() {
        List<RecordedMessage> all = IntStream.range(0, 7)
                .mapToObj(i -> send(ALICE, BOB, "m" + i, i))
                .map(m -> history.find(m.messageId()).orElseThrow())
                .toList();
        long third = all.get(2).offset();

        assertThat(history.before(ALICE_BOB, third, 10)).containsExactlyElementsOf(all.subList(0, 2));
        assertThat(history.before(ALICE_BOB, all.get(6).offset(), 3)).containsExactlyElementsOf(all.subList(3, 6));
        assertThat(history.after(ALICE_BOB, third, 2)).containsExactlyElementsOf(all.subList(3, 5));
        assertThat(history.after(ALICE_BOB, -1, 100)).containsExactlyElementsOf(all);
        assertThat(history.hasBefore(ALICE_BOB, all.getFirst().offset())).isFalse();
        assertThat(history.hasAfter(ALICE_BOB, all.getLast().offset())).isFalse();
        assertThat(history.hasAfter(ALICE_BOB, third)).isTrue();
    }

    @Test
    void joinsTheDeliveryStatusOfEachMessage() {
        MessageAccepted waiting = send(ALICE, BOB, "no attempt yet", 0);
        MessageAccepted retried = send(ALICE, BOB, "retried", 1);
        MessageAccepted delivered = send(ALICE, BOB, "delivered", 2);
        MessageAccepted failed = send(ALICE, BOB, "failed", 3);
        attempt(retried, 1, Outcome.RETRYING, "ejabberd down");
        attempt(delivered, 1, Outcome.RETRYING, "ejabberd down");
        attempt(delivered, 2, Outcome.ACCEPTED, null);
        attempt(failed, 1, Outcome.FAILED, "no such user");

        assertThat(history.status(waiting.messageId())).isEqualTo(DeliveryStatus.ACCEPTED);
        assertThat(history.status(retried.messageId()).state()).isEqualTo(State.RETRYING);
        assertThat(history.status(retried.messageId()).error()).isEqualTo("ejabberd down");
        assertThat(history.status(delivered.messageId()).state()).isEqualTo(State.DELIVERED);
        assertThat(history.status(delivered.messageId()).attempt()).isEqualTo(2);
        assertThat(history.status(failed.messageId()).state()).isEqualTo(State.FAILED);
    }

    @Test
    void keepsADeliveredMessageDeliveredWhateverLateReportsSay() {
        MessageAccepted message = send(ALICE, BOB, "hello", 0);
        attempt(message, 2, Outcome.ACCEPTED, null);
        attempt(message, 1, Outcome.RETRYING, "a late report of an earlier attempt");
        attempt(message, 3, Outcome.RETRYING, "an at-least-once redelivery");

        assertThat(history.status(message.messageId()).state()).isEqualTo(State.DELIVERED);
    }

    @Test
    void keepsAStatusReportedBeforeItsMessageArrived() {
        MessageAccepted message = MessageAccepted.of(MessageId.random(), ALICE, BOB, "late", T0, null);
        attempt(message, 1, Outcome.ACCEPTED, null);
        messages.pipeInput(message.conversationId(), message);

        assertThat(history.status(message.messageId()).state()).isEqualTo(State.DELIVERED);
    }

    @Test
    void movesAStatusForwardThroughEachReportOfTheWorkerAndTheRecipientsSide() {
        MessageAccepted message = send(ALICE, BOB, "hello", 0);
        assertThat(history.status(message.messageId()).state()).isEqualTo(State.ACCEPTED);

        attempt(message, 1, Outcome.RETRYING, "ejabberd down");
        assertThat(history.status(message.messageId()).state()).isEqualTo(State.RETRYING);

        attempt(message, 2, Outcome.ACCEPTED, null);
        assertThat(history.status(message.messageId()).state()).isEqualTo(State.DELIVERED);

        evidence(message, Outcome.STORED);
        assertThat(history.status(message.messageId()).state()).isEqualTo(State.DELIVERED);
        assertThat(history.status(message.messageId()).attempt()).as("the attempt that got it there").isEqualTo(2);

        evidence(message, Outcome.RECEIVED);
        assertThat(history.status(message.messageId()).state()).isEqualTo(State.RECEIVED);

        evidence(message, Outcome.READ);
        assertThat(history.status(message.messageId()).state()).isEqualTo(State.READ);
    }

    @Test
    void takesTheArchivesStoredRowAsDeliveredWhateverTheWorkerReported() {
        MessageAccepted retried = send(ALICE, BOB, "the worker is still retrying", 0);
        MessageAccepted failed = send(ALICE, BOB, "the worker gave up, yet the server had it", 1);
        attempt(retried, 1, Outcome.RETRYING, "timeout");
        attempt(failed, 1, Outcome.FAILED, "timeout");
        evidence(retried, Outcome.STORED);
        evidence(failed, Outcome.STORED);
        attempt(retried, 2, Outcome.RETRYING, "a retry of a message the server already has");

        assertThat(history.status(retried.messageId()).state()).isEqualTo(State.DELIVERED);
        assertThat(history.status(failed.messageId()).state()).isEqualTo(State.DELIVERED);
        assertThat(history.status(failed.messageId()).error()).isNull();
    }

    @Test
    void neverMovesAReceivedOrReadMessageBackWhateverLateReportsSay() {
        MessageAccepted received = send(ALICE, BOB, "received", 0);
        MessageAccepted read = send(ALICE, BOB, "read", 1);
        evidence(received, Outcome.RECEIVED);
        evidence(read, Outcome.READ);
        for (MessageAccepted message : List.of(received, read)) {
            attempt(message, 3, Outcome.RETRYING, "a late retry");
            attempt(message, 4, Outcome.FAILED, "a late failure");
            attempt(message, 5, Outcome.ACCEPTED, null);
            evidence(message, Outcome.STORED);
        }
        evidence(read, Outcome.RECEIVED);

        assertThat(history.status(received.messageId()).state()).isEqualTo(State.RECEIVED);
        assertThat(history.status(read.messageId()).state()).isEqualTo(State.READ);
    }

    @Test
    void keepsEvidenceThatArrivedBeforeItsMessage() {
        MessageAccepted message = MessageAccepted.of(MessageId.random(), ALICE, BOB, "late", T0, null);
        evidence(message, Outcome.RECEIVED);
        messages.pipeInput(message.conversationId(), message);

        assertThat(history.status(message.messageId()).state()).isEqualTo(State.RECEIVED);
    }

    @Test
    void marksTheRecipientsMessagesUpToTheirReadHorizonReadButNotTheOtherUsersNorLaterOnes() {
        MessageAccepted first = send(ALICE, BOB, "one", 0);
        MessageAccepted second = send(ALICE, BOB, "two", 1);
        MessageAccepted reply = send(BOB, ALICE, "bob's reply, which alice has not read", 2);
        MessageAccepted marked = send(ALICE, BOB, "three, bob's client displayed it", 3);
        MessageAccepted later = send(ALICE, BOB, "four, after the marker", 4);
        attempt(first, 1, Outcome.ACCEPTED, null);
        attempt(later, 1, Outcome.ACCEPTED, null);
        evidence(second, Outcome.RECEIVED);

        // what capture writes for an XEP-0333 displayed marker: READ for the marked message, and the horizon
        evidence(marked, Outcome.READ);
        read(BOB, marked);

        assertThat(statesOf(first, second, reply, marked, later))
                .containsExactly(State.READ, State.READ, State.ACCEPTED, State.READ, State.DELIVERED);
        assertThat(entryOf(BOB, ALICE_BOB).unread()).isOne();
    }

    @Test
    void marksMessagesReadByAHorizonMovedThroughTheApiAsByAMarker() {
        MessageAccepted first = send(BOB, ALICE, "one", 0);
        MessageAccepted second = send(BOB, ALICE, "two", 1);
        MessageAccepted third = send(BOB, ALICE, "three", 2);
        attempt(third, 1, Outcome.FAILED, "no such user");

        read(ALICE, second); // PUT .../read writes the same event, with no READ evidence

        assertThat(statesOf(first, second, third)).containsExactly(State.READ, State.READ, State.FAILED);
    }

    @Test
    void appliesAHorizonThatArrivedBeforeItsMessageToEveryMessageUpToIt() {
        MessageAccepted first = send(ALICE, BOB, "one", 0);
        MessageAccepted second = MessageAccepted.of(MessageId.random(), ALICE, BOB, "two", T0.plusSeconds(1), null);
        read(BOB, second);
        assertThat(statesOf(first)).containsExactly(State.ACCEPTED);

        messages.pipeInput(second.conversationId(), second);
        MessageAccepted third = send(ALICE, BOB, "three", 2);

        assertThat(statesOf(first, second, third)).containsExactly(State.READ, State.READ, State.ACCEPTED);
    }

    @Test
    void recordsACapturedReplyInItsConversationsOrderAsFromXmppForBothUsers() {
        MessageAccepted question = send(ALICE, BOB, "tea?", 0);
        MessageAccepted reply = captured(BOB, ALICE, "yes please", 1, "bob@localhost/phone");
        messages.pipeInput(reply.conversationId(), reply); // captured twice (capture restarted): recorded once
        MessageAccepted thanks = send(ALICE, BOB, "on its way", 2);

        for (ConversationId either : List.of(ALICE_BOB, ConversationId.between(BOB, ALICE))) {
            assertThat(newest(either, 100)).containsExactly(question, reply, thanks);
        }
        RecordedMessage recorded = history.find(reply.messageId()).orElseThrow();
        assertThat(recorded.message().source()).isEqualTo(MessageAccepted.Source.XMPP);
        assertThat(recorded.message().senderJid()).isEqualTo("bob@localhost/phone");
        assertThat(recorded.message().toDeliver()).isFalse();
        assertThat(history.status(reply.messageId()).state())
                .as("captured from its recipient's archive, so delivered").isEqualTo(State.DELIVERED);

        assertThat(entryOf(ALICE, ALICE_BOB).unread()).isOne();
        assertThat(entryOf(BOB, ALICE_BOB).unread()).isEqualTo(2);
        assertThat(entryOf(ALICE, ALICE_BOB).last().message()).isEqualTo(thanks);

        read(ALICE, reply);
        assertThat(history.status(reply.messageId()).state()).isEqualTo(State.READ);
        assertThat(entryOf(ALICE, ALICE_BOB).unread()).isZero();
    }

    @Test
    void listsACapturedReplyInTheRecipientsInboxWithItsUnreadCount() {
        send(ALICE, BOB, "tea?", 0);
        MessageAccepted reply = captured(BOB, ALICE, "yes please", 1, "bob@localhost/phone");
        MessageAccepted more = captured(BOB, ALICE, "with milk", 2, "bob@localhost/laptop");

        assertThat(inboxes.conversations(ALICE)).singleElement().satisfies(entry -> {
            assertThat(entry.with()).isEqualTo(BOB);
            assertThat(entry.last().message()).isEqualTo(more);
            assertThat(entry.unread()).isEqualTo(2);
        });
        assertThat(entryOf(BOB, ALICE_BOB).unread()).as("bob's own replies").isOne();

        read(ALICE, reply);
        assertThat(entryOf(ALICE, ALICE_BOB).unread()).isOne();
    }

    @Test
    void erasesCapturedRepliesWithTheirSendersOtherMessages() {
        MessageAccepted question = send(ALICE, BOB, "tea?", 0);
        MessageAccepted reply = captured(BOB, ALICE, "yes please", 1, "bob@localhost/phone");
        evidence(question, Outcome.READ);

        erase(BOB, T0.plusSeconds(1));

        assertThat(newest(ALICE_BOB, 100)).isEmpty();
        assertThat(history.find(reply.messageId())).isEmpty();
        assertThat(inboxes.conversations(ALICE)).isEmpty();
        assertThat(inboxes.conversations(BOB)).isEmpty();
        messages.pipeInput(reply.conversationId(), reply); // captured again after a restart of capture
        assertThat(newest(ALICE_BOB, 100)).isEmpty();
    }

    @Test
    void countsMessagesToAUserAfterTheirReadHorizon() {
        MessageAccepted first = send(ALICE, BOB, "one", 0);
        send(BOB, ALICE, "a reply is not unread for its sender", 1);
        MessageAccepted second = send(ALICE, BOB, "two", 2);
        send(ALICE, BOB, "three", 3);

        assertThat(entryOf(BOB, ALICE_BOB).unread()).isEqualTo(3);
        assertThat(entryOf(ALICE, ALICE_BOB).unread()).isEqualTo(1);

        read(BOB, first);
        assertThat(entryOf(BOB, ALICE_BOB).unread()).isEqualTo(2);

        read(BOB, second);
        assertThat(entryOf(BOB, ALICE_BOB).unread()).isEqualTo(1);

        send(ALICE, BOB, "four", 4);
        assertThat(entryOf(BOB, ALICE_BOB).unread()).isEqualTo(2);
        assertThat(entryOf(ALICE, ALICE_BOB).unread()).isEqualTo(1);
    }

    @Test
    void neverMovesAReadHorizonBackwards() {
        MessageAccepted first = send(ALICE, BOB, "one", 0);
        MessageAccepted second = send(ALICE, BOB, "two", 1);
        read(BOB, second);
        read(BOB, first);

        assertThat(entryOf(BOB, ALICE_BOB).unread()).isZero();
    }

    @Test
    void appliesAReadHorizonThatArrivedBeforeItsMessage() {
        send(ALICE, BOB, "one", 0);
        MessageAccepted second = MessageAccepted.of(MessageId.random(), ALICE, BOB, "two", T0.plusSeconds(1), null);
        read(BOB, second);
        assertThat(entryOf(BOB, ALICE_BOB).unread()).isEqualTo(1);

        messages.pipeInput(second.conversationId(), second);
        assertThat(entryOf(BOB, ALICE_BOB).unread()).isZero();

        send(ALICE, BOB, "three", 2);
        assertThat(entryOf(BOB, ALICE_BOB).unread()).isOne();
    }

    @Test
    void ignoresAReadHorizonOfSomeoneOutsideTheConversation() {
        MessageAccepted message = send(ALICE, BOB, "private", 0);
        reads.pipeInput(ALICE_BOB, ReadHorizonMoved.of(ALICE_BOB, BOBBY, message.messageId(), T0));

        assertThat(inboxes.conversations(BOBBY)).isEmpty();
        assertThat(entryOf(BOB, ALICE_BOB).unread()).isOne();
    }

    @Test
    void listsAUsersConversationsNewestFirstWithTheirLastMessage() {
        send(ALICE, BOB, "old news", 0);
        MessageAccepted toBobby = send(BOBBY, ALICE, "hi alice", 5);
        MessageAccepted latest = send(BOB, ALICE, "newest", 9);
        send(BOB, BOBBY, "not alice's", 10);

        assertThat(inboxes.conversations(ALICE)).satisfiesExactly(
                entry -> {
                    assertThat(entry.conversationId()).isEqualTo(ALICE_BOB);
                    assertThat(entry.with()).isEqualTo(BOB);
                    assertThat(entry.last().message()).isEqualTo(latest);
                    assertThat(entry.unread()).isOne();
                },
                entry -> {
                    assertThat(entry.with()).isEqualTo(BOBBY);
                    assertThat(entry.last().message()).isEqualTo(toBobby);
                    assertThat(entry.unread()).isOne();
                });
        assertThat(inboxes.conversations(UserId.of("nobody"))).isEmpty();
    }

    @Test
    void erasesAUsersMessagesFromConversationsLookupsStatusesAndInboxes() {
        UserId carol = UserId.of("carol");
        MessageAccepted toBob = send(ALICE, BOB, "to bob", 0);
        attempt(toBob, 1, Outcome.ACCEPTED, null);
        MessageAccepted fromBob = send(BOB, ALICE, "from bob", 1);
        MessageAccepted toCarol = send(ALICE, carol, "to carol", 2);
        MessageAccepted bobToCarol = send(BOB, carol, "bob to carol", 3);

        erase(ALICE, T0.plusSeconds(3));

        assertThat(newest(ALICE_BOB, 100)).isEmpty();
        assertThat(newest(ConversationId.between(ALICE, carol), 100)).isEmpty();
        assertThat(newest(ConversationId.between(BOB, carol), 100)).containsExactly(bobToCarol);
        for (MessageAccepted gone : List.of(toBob, fromBob, toCarol)) {
            assertThat(history.find(gone.messageId())).isEmpty();
            assertThat(history.status(gone.messageId()).state()).isEqualTo(State.ACCEPTED);
        }
        assertThat(inboxes.conversations(ALICE)).isEmpty();
        assertThat(inboxes.conversations(BOB)).extracting(InboxEntry::conversationId)
                .containsExactly(ConversationId.between(BOB, carol));
        assertThat(inboxes.conversations(carol)).extracting(InboxEntry::conversationId)
                .containsExactly(ConversationId.between(BOB, carol));
    }

    @Test
    void keepsWhatTheUserSendsAfterTheErasureAndCountsOnlyThatAsUnread() {
        send(BOB, ALICE, "before", 0);
        erase(ALICE, T0.plusSeconds(1));
        MessageAccepted after = send(BOB, ALICE, "after", 2);

        assertThat(newest(ALICE_BOB, 100)).containsExactly(after);
        assertThat(entryOf(ALICE, ALICE_BOB).unread()).isOne();
        assertThat(entryOf(ALICE, ALICE_BOB).last().message()).isEqualTo(after);
    }

    @Test
    void dropsAnErasedMessageReadAgainAsARebuildOrRedeliveryWould() {
        MessageAccepted before = send(ALICE, BOB, "before", 0);
        erase(BOB, T0.plusSeconds(1));
        messages.pipeInput(before.conversationId(), before);
        send(UserId.of("dave"), BOB, "dave's", 0);

        assertThat(newest(ALICE_BOB, 100)).isEmpty();
        assertThat(history.find(before.messageId())).isEmpty();
        assertThat(inboxes.conversations(ALICE)).isEmpty();
        assertThat(inboxes.conversations(BOB)).isEmpty();
    }

    @Test
    void recountsWhatIsUnreadWhenAnErasureLeavesNewerMessages() {
        MessageAccepted old = send(BOB, ALICE, "old", 0);
        read(ALICE, old);
        MessageAccepted unread = send(BOB, ALICE, "unread", 5);
        erase(BOB, T0.plusSeconds(1));

        assertThat(newest(ALICE_BOB, 100)).containsExactly(unread);
        assertThat(entryOf(ALICE, ALICE_BOB).unread()).isOne();
        assertThat(entryOf(ALICE, ALICE_BOB).last().message()).isEqualTo(unread);
    }

    private void erase(UserId user, Instant upTo) {
        erasures.pipeInput(user, UserErased.of(user, upTo, "admin"));
    }

    private List<MessageAccepted> newest(ConversationId conversation, int limit) {
        return history.newest(conversation, limit).stream().map(RecordedMessage::message).toList();
    }

    private InboxEntry entryOf(UserId user, ConversationId conversation) {
        return inboxes.conversations(user).stream()
                .filter(entry -> entry.conversationId().equals(conversation))
                .findFirst().orElseThrow();
    }

    private MessageAccepted send(UserId from, UserId to, String body, int secondsAfterT0) {
        MessageAccepted message = MessageAccepted.of(
                MessageId.random(), from, to, body, T0.plusSeconds(secondsAfterT0), null);
        messages.pipeInput(message.conversationId(), message);
        return message;
    }

    private void attempt(MessageAccepted message, int attempt, Outcome outcome, String error) {
        deliveries.pipeInput(message.conversationId(),
                DeliveryAttempted.of(message, attempt, outcome, "ejabberd-api", error, T0.plusSeconds(attempt)));
    }

    private MessageAccepted captured(UserId from, UserId to, String body, int secondsAfterT0, String senderJid) {
        MessageAccepted message = MessageAccepted.captured(MessageId.forCapturedStanza(senderJid + "\u0000" + body),
                from, to, body, T0.plusSeconds(secondsAfterT0), senderJid);
        messages.pipeInput(message.conversationId(), message);
        return message;
    }

    /** What capture writes when the recipient's archive shows it: stored, a receipt, a displayed marker. */
    private void evidence(MessageAccepted message, Outcome outcome) {
        deliveries.pipeInput(message.conversationId(),
                DeliveryAttempted.evidence(message.messageId(), message.conversationId(), outcome, T0));
    }

    private List<State> statesOf(MessageAccepted... sent) {
        return Arrays.stream(sent).map(m -> history.status(m.messageId()).state()).toList();
    }

    private void read(UserId user, MessageAccepted upTo) {
        reads.pipeInput(upTo.conversationId(), ReadHorizonMoved.of(upTo.conversationId(), user, upTo.messageId(), T0));
    }
}
