package io.chatpipe.history.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.stream.IntStream;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryTopologyTests {

    private static final UserId ALICE = UserId.of("alice");
    private static final UserId BOB = UserId.of("bob");
    private static final UserId BOBBY = UserId.of("bobby");
    private static final Instant T0 = Instant.parse("2026-01-02T03:04:05.123456Z");

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<ConversationId, MessageAccepted> messages;
    private ConversationStore history;

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
        history = new ConversationStore(driver.getKeyValueStore(HistoryTopology.MESSAGES_STORE));
    }

    @AfterEach
    void stopTopology() {
        driver.close();
    }

    @Test
    void keepsAConversationInArrivalOrder() {
        List<MessageAccepted> sent = List.of(
                send(ALICE, BOB, "first", 0), send(ALICE, BOB, "second", 1), send(ALICE, BOB, "third", 2));

        assertThat(history.latest(ConversationId.between(ALICE, BOB), 100)).isEqualTo(sent);
    }

    @Test
    void ordersByArrivalNotByTheTimeInTheMessage() {
        MessageAccepted later = send(ALICE, BOB, "stamped later, arrived first", 60);
        MessageAccepted earlier = send(BOB, ALICE, "stamped earlier, arrived second", 0);

        assertThat(history.latest(ConversationId.between(ALICE, BOB), 100)).containsExactly(later, earlier);
    }

    @Test
    void holdsBothDirectionsInOneConversation() {
        MessageAccepted question = send(ALICE, BOB, "tea?", 0);
        MessageAccepted answer = send(BOB, ALICE, "yes", 1);

        assertThat(history.latest(ConversationId.between(BOB, ALICE), 100)).containsExactly(question, answer);
        assertThat(history.latest(ConversationId.between(ALICE, BOB), 100)).containsExactly(question, answer);
    }

    @Test
    void recordsAMessageIdOnceWhateverRetriesHappenedUpstream() {
        MessageAccepted once = send(ALICE, BOB, "once", 0);
        messages.pipeInput(once.conversationId(), once);
        MessageAccepted next = send(BOB, ALICE, "next", 1);
        messages.pipeInput(once.conversationId(), once);

        assertThat(history.latest(ConversationId.between(ALICE, BOB), 100)).containsExactly(once, next);
    }

    @Test
    void keepsOtherConversationsOut() {
        MessageAccepted toBob = send(ALICE, BOB, "to bob", 0);
        MessageAccepted toBobby = send(ALICE, BOBBY, "to bobby", 1);
        MessageAccepted bobToBobby = send(BOB, BOBBY, "bob to bobby", 2);

        assertThat(history.latest(ConversationId.between(ALICE, BOB), 100)).containsExactly(toBob);
        assertThat(history.latest(ConversationId.between(ALICE, BOBBY), 100)).containsExactly(toBobby);
        assertThat(history.latest(ConversationId.between(BOBBY, BOB), 100)).containsExactly(bobToBobby);
    }

    @Test
    void answersAnUnknownConversationWithNoMessages() {
        send(ALICE, BOB, "hello", 0);

        assertThat(history.latest(ConversationId.between(ALICE, UserId.of("carol")), 100)).isEmpty();
    }

    @Test
    void boundsAnAnswerToTheNewestMessagesOldestFirst() {
        send(ALICE, BOB, "one", 0);
        MessageAccepted two = send(BOB, ALICE, "two", 1);
        MessageAccepted three = send(ALICE, BOB, "three", 2);

        assertThat(history.latest(ConversationId.between(ALICE, BOB), 2)).containsExactly(two, three);
    }

    @Test
    void keepsOrderPastTheFirstTenOffsets() {
        // zero-padded sequences: offset 10 must not sort between 1 and 2
        List<MessageAccepted> sent = IntStream.range(0, 12)
                .mapToObj(i -> send(ALICE, BOB, "message " + i, i))
                .toList();

        assertThat(history.latest(ConversationId.between(ALICE, BOB), 100)).isEqualTo(sent);
    }

    private MessageAccepted send(UserId from, UserId to, String body, int secondsAfterT0) {
        MessageAccepted message = MessageAccepted.of(
                MessageId.random(), from, to, body, T0.plusSeconds(secondsAfterT0), null);
        messages.pipeInput(message.conversationId(), message);
        return message;
    }
}
