package io.chatpipe.reliability.chaos;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What a chaos run found. A message is "lost" when it got a 2xx and is missing from history or from its
 * recipient's XMPP client; a duplicate "before de-duplication" is a second copy of one message id, "after"
 * is one message sent once that arrived under two ids; "reordered" counts messages of a conversation that
 * came after a later message of the same conversation (first copies only; at the clients in the order of the
 * recipient's archive, which clients sync from).
 *
 * @param requests       HTTP requests the driver made: first attempts and retries
 * @param lost           accepted messages missing from history, from their recipient's client, or both
 * @param history        history-service's view
 * @param xmpp           what the recipients' XMPP clients received
 * @param fromArchive    of those, how many a client fetched from its archive (MAM) after a reconnect because the
 *                       live session never brought them
 * @param replies        the way back: the replies the clients sent, as history has them
 * @param examples       a few of the messages behind non-zero counts, to start an investigation
 */
public record ChaosReport(String runId, int messages, int conversations, List<InjectedFault> faults,
        long accepted, long refused, long notAccepted, long requests, long lost, Topic topic, Copies history,
        Copies xmpp, long fromArchive, Replies replies, List<String> examples) {

    /** chat.messages, this run's records. */
    public record Topic(long records, long unreadable, long acceptedMissing, long extraCopies,
            long notAcceptedPresent) {
    }

    /**
     * One place messages must reach.
     *
     * @param received              copies of this run's messages there, duplicates included
     * @param notAcceptedPresent    messages without a 2xx that are there once (allowed)
     * @param notAcceptedDuplicated messages without a 2xx that are there more than once (not allowed)
     * @param wrongContent          copies whose body, sender or recipient is not what was sent
     */
    public record Copies(long received, long lost, long duplicatesBeforeDedup, long duplicatesAfterDedup,
            long reordered, long notAcceptedPresent, long notAcceptedDuplicated, long wrongContent) {
    }

    /**
     * The replies the recipients' clients sent, which capture brings into history from the archive.
     *
     * @param sent       replies the clients put on their streams
     * @param inHistory  copies of this run's replies in history
     * @param lost       replies sent and not in history
     * @param duplicated second copies of one reply in history
     * @param reordered  replies in history after a later reply of the same conversation
     * @param misplaced  replies in history in the wrong conversation or with the wrong sender or recipient
     */
    public record Replies(long sent, long inHistory, long lost, long duplicated, long reordered, long misplaced) {
    }

    public long duplicatesBeforeDedup() {
        return history.duplicatesBeforeDedup() + xmpp.duplicatesBeforeDedup();
    }

    public long duplicatesAfterDedup() {
        return history.duplicatesAfterDedup() + xmpp.duplicatesAfterDedup();
    }

    public long reordered() {
        return history.reordered() + xmpp.reordered();
    }

    /**
     * The guarantees: nothing accepted lost, history exactly once, XMPP exactly once after de-duplication by
     * message id, order kept per conversation, nothing unaccepted twice, nothing unreadable or altered; every
     * reply in history once, in the order its client sent it.
     */
    public boolean passed() {
        return history.lost() == 0 && xmpp.lost() == 0 && history.duplicatesBeforeDedup() == 0
                && duplicatesAfterDedup() == 0 && reordered() == 0
                && history.notAcceptedDuplicated() == 0 && xmpp.notAcceptedDuplicated() == 0
                && history.wrongContent() == 0 && xmpp.wrongContent() == 0
                && topic.unreadable() == 0 && topic.acceptedMissing() == 0
                && replies.lost() == 0 && replies.duplicated() == 0 && replies.reordered() == 0
                && replies.misplaced() == 0;
    }

    /** The report as a person reads it. */
    public String toText() {
        String faultLines = faults.stream().map(f -> String.format("  %-17s at message %7d, t+%5.1f s, whole again after %5.1f s%s%s",
                        f.fault().label(), f.atMessage(), f.startedAtMs() / 1000.0, f.tookMs() / 1000.0,
                        f.struck() == null || f.struck().isEmpty() ? "" : " (" + f.struck() + ")",
                        f.error() == null ? "" : "  FAILED: " + f.error()))
                .collect(Collectors.joining("\n"));
        return String.format("""
                chaos run %s: %d messages over %d conversations
                faults injected: %d
                %s
                messages: %d accepted (2xx), %d refused (4xx), %d without a 2xx; %d requests with retries
                chat.messages: %d records of this run, %d unreadable, %d accepted missing, %d extra copies, \
                %d without a 2xx present
                                         history   XMPP clients
                  received (copies)   %9d   %9d
                  lost                %9d   %9d
                  dup. before de-dup  %9d   %9d
                  dup. after de-dup   %9d   %9d
                  reordered           %9d   %9d
                  no 2xx, present 1x  %9d   %9d
                  no 2xx, present 2x+ %9d   %9d
                  altered             %9d   %9d
                  from the archive    %9s   %9d   (fetched by clients after a reconnect: the live session missed them)
                replies from the XMPP clients: %d sent, %d in history; %d lost, %d duplicated, %d reordered, %d misplaced
                lost %d, duplicated %d before / %d after de-duplication, reordered %d: %s%s
                """,
                runId, messages, conversations, faults.size(), faultLines,
                accepted, refused, notAccepted, requests,
                topic.records(), topic.unreadable(), topic.acceptedMissing(), topic.extraCopies(),
                topic.notAcceptedPresent(),
                history.received(), xmpp.received(), history.lost(), xmpp.lost(),
                history.duplicatesBeforeDedup(), xmpp.duplicatesBeforeDedup(),
                history.duplicatesAfterDedup(), xmpp.duplicatesAfterDedup(),
                history.reordered(), xmpp.reordered(),
                history.notAcceptedPresent(), xmpp.notAcceptedPresent(),
                history.notAcceptedDuplicated(), xmpp.notAcceptedDuplicated(),
                history.wrongContent(), xmpp.wrongContent(), "", fromArchive,
                replies.sent(), replies.inHistory(), replies.lost(), replies.duplicated(), replies.reordered(),
                replies.misplaced(),
                lost(), duplicatesBeforeDedup(), duplicatesAfterDedup(), reordered(),
                passed() ? "PASSED" : "FAILED",
                examples.isEmpty() ? "" : "\nexamples:\n  " + String.join("\n  ", examples));
    }
}
