package io.chatpipe.reliability.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.events.MessageId;
import io.chatpipe.events.UserId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The checker's counting, on made-up deliveries: a checker that cannot see a loss proves nothing. */
class ChaosTallyTests {

    private final ChaosSettings settings = new ChaosSettings(6, 2, 1, 10, Duration.ofSeconds(1), Duration.ofSeconds(1),
            List.of(), Duration.ofSeconds(1), 10, "t1");
    /** Conversation 0: n0 n1 n2 accepted; conversation 1: n0 accepted, n1 not accepted, n2 accepted. */
    private final List<SentMessage> sent = List.of(
            sent(0, 0, true), sent(0, 1, true), sent(0, 2, true),
            sent(1, 0, true), sent(1, 1, false), sent(1, 2, true));

    @Test
    void everythingOnceAndInOrderCountsNothing() {
        ChaosReport.Copies copies = tally(false, copy(0, 0), copy(0, 1), copy(0, 2), copy(1, 0), copy(1, 2));
        assertThat(copies).isEqualTo(new ChaosReport.Copies(5, 0, 0, 0, 0, 0, 0, 0));
    }

    @Test
    void countsAMissingAcceptedMessageAsLost() {
        assertThat(tally(false, copy(0, 0), copy(0, 2), copy(1, 0), copy(1, 2)).lost()).isEqualTo(1);
    }

    @Test
    void countsASecondCopyOfAnIdAsADuplicateBeforeDeduplication() {
        ChaosReport.Copies copies = tally(true, copy(0, 0), copy(0, 1), copy(0, 1), copy(0, 2), copy(1, 0), copy(1, 2));
        assertThat(copies.duplicatesBeforeDedup()).isEqualTo(1);
        assertThat(copies.duplicatesAfterDedup()).isZero();
        assertThat(copies.reordered()).as("a redelivery after later messages is not a reordering").isZero();
    }

    @Test
    void countsOneMessageUnderTwoIdsAsADuplicateAfterDeduplication() {
        var other = new ChaosChecker.Copy(MessageId.random().toString(), settings.body(0, 1), settings.sender(0),
                settings.recipient(0));
        Map<String, SentMessage> byId = byId();
        byId.put(other.messageId(), byId.get(id(0, 1)));
        ChaosReport.Copies copies = ChaosChecker.tally(settings, "test", Map.of(0, List.of(copy(0, 0), copy(0, 1), other,
                copy(0, 2))), byId, accepted(), false, new ArrayList<>());
        assertThat(copies.duplicatesAfterDedup()).isEqualTo(1);
    }

    @Test
    void countsAMessageAfterALaterOneAsReordered() {
        assertThat(tally(false, copy(0, 1), copy(0, 0), copy(0, 2), copy(1, 0), copy(1, 2)).reordered()).isEqualTo(1);
    }

    @Test
    void countsAMessageWithoutA2xxPresentOnceAsAllowedAndTwiceAsNot() {
        assertThat(tally(false, copy(0, 0), copy(0, 1), copy(0, 2), copy(1, 0), copy(1, 1), copy(1, 2))
                .notAcceptedPresent()).isEqualTo(1);
        ChaosReport.Copies twice = tally(false, copy(0, 0), copy(0, 1), copy(0, 2), copy(1, 0), copy(1, 1), copy(1, 1),
                copy(1, 2));
        assertThat(twice.notAcceptedDuplicated()).isEqualTo(1);
    }

    @Test
    void countsAnAlteredBodyAsWrongContent() {
        var altered = new ChaosChecker.Copy(id(0, 1), "chaos t1 c0 n1 (edited)", settings.sender(0), settings.recipient(0));
        ChaosReport.Copies copies = ChaosChecker.tally(settings, "test", Map.of(0, List.of(copy(0, 0), altered, copy(0, 2)),
                1, List.of(copy(1, 0), copy(1, 2))), byId(), accepted(), false, new ArrayList<>());
        assertThat(copies.wrongContent()).isEqualTo(1);
    }

    @Test
    void countsRepliesInHistoryOnceAndInOrderAsNothing() {
        ChaosReport.Replies replies = tallyReplies(List.of(reply(0, 0), reply(0, 1), reply(1, 0)),
                answer(0, 0), answer(0, 1), answer(1, 0));
        assertThat(replies).isEqualTo(new ChaosReport.Replies(3, 3, 0, 0, 0, 0));
    }

    @Test
    void countsARepliesMissingSecondOrEarlierCopyAsLostDuplicatedReordered() {
        ChaosReport.Replies replies = tallyReplies(List.of(reply(0, 0), reply(0, 1), reply(0, 2), reply(1, 0)),
                answer(0, 1), answer(0, 0), answer(0, 1), answer(1, 0));
        assertThat(replies.lost()).as("k2 never came").isEqualTo(1);
        assertThat(replies.duplicated()).as("k1 twice").isEqualTo(1);
        assertThat(replies.reordered()).as("k0 after k1").isEqualTo(1);
    }

    @Test
    void countsAReplyFromTheWrongUserAsMisplaced() {
        var wrong = new ChaosChecker.Copy("x", settings.replyBody(0, 0), settings.sender(0), settings.recipient(0));
        assertThat(ChaosChecker.tallyReplies(settings, List.of(reply(0, 0)), Map.of(0, List.of(wrong)),
                new ArrayList<>()).misplaced()).isEqualTo(1);
    }

    @Test
    void ordersEachRecipientsMessagesByArchiveIdSoThoseFetchedAfterAReconnectTakeTheirPlace() {
        var live = new ReceivedStanza("r", "a", null, "s", "n0", 0, "1000", false);
        var later = new ReceivedStanza("r", "c", null, "s", "n2", 1, "3000", false);
        var caughtUp = new ReceivedStanza("r", "b", null, "s", "n1", 2, "2000", true);
        List<ReceivedStanza> stanzas = List.of(live, later, caughtUp);
        assertThat(stanzas.stream().sorted(ChaosChecker.archiveOrder(stanzas)).toList())
                .containsExactly(live, caughtUp, later);
        var noArchiveId = new ReceivedStanza("r", "d", null, "s", "n3", 3, null, false);
        List<ReceivedStanza> mixed = List.of(caughtUp, noArchiveId, later, live);
        assertThat(mixed.stream().sorted(ChaosChecker.archiveOrder(mixed)).toList())
                .as("in arrival order where the server gave no archive id").containsExactly(live, later, caughtUp,
                        noArchiveId);
    }

    private ChaosReport.Replies tallyReplies(List<SentReply> sent, ChaosChecker.Copy... inHistory) {
        Map<Integer, List<ChaosChecker.Copy>> byConversation = new HashMap<>();
        for (ChaosChecker.Copy copy : inHistory) {
            byConversation.computeIfAbsent(settings.parseReply(copy.body())[0], c -> new ArrayList<>()).add(copy);
        }
        return ChaosChecker.tallyReplies(settings, sent, byConversation, new ArrayList<>());
    }

    private SentReply reply(int conversation, int k) {
        return new SentReply(settings.recipient(conversation), conversation, k, settings.replyOriginId(conversation, k),
                settings.replyBody(conversation, k));
    }

    private ChaosChecker.Copy answer(int conversation, int k) {
        return new ChaosChecker.Copy("reply-" + conversation + "-" + k, settings.replyBody(conversation, k),
                settings.recipient(conversation), settings.sender(conversation));
    }

    private ChaosReport.Copies tally(boolean copiesAllowed, ChaosChecker.Copy... copies) {
        Map<Integer, List<ChaosChecker.Copy>> byConversation = new HashMap<>();
        for (ChaosChecker.Copy copy : copies) {
            int conversation = settings.parse(copy.body())[0];
            byConversation.computeIfAbsent(conversation, c -> new ArrayList<>()).add(copy);
        }
        return ChaosChecker.tally(settings, "test", byConversation, byId(), accepted(), copiesAllowed, new ArrayList<>());
    }

    private ChaosChecker.Copy copy(int conversation, int seq) {
        return new ChaosChecker.Copy(id(conversation, seq), settings.body(conversation, seq), settings.sender(conversation),
                settings.recipient(conversation));
    }

    private SentMessage sent(int conversation, int seq, boolean accepted) {
        return new SentMessage(conversation, seq, settings.sender(conversation), settings.recipient(conversation),
                settings.clientMessageId(conversation, seq), id(conversation, seq),
                accepted ? SentMessage.Outcome.ACCEPTED : SentMessage.Outcome.NOT_ACCEPTED, accepted ? 202 : 503, 1, null);
    }

    private String id(int conversation, int seq) {
        return MessageId.forClientMessage(UserId.of(settings.sender(conversation)),
                settings.clientMessageId(conversation, seq)).toString();
    }

    private Map<String, SentMessage> byId() {
        Map<String, SentMessage> byId = new HashMap<>();
        sent.forEach(m -> byId.put(m.messageId(), m));
        return byId;
    }

    private Set<String> accepted() {
        return sent.stream().filter(SentMessage::accepted).map(SentMessage::messageId).collect(Collectors.toSet());
    }
}
