package io.chatpipe.reliability.chaos;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What a chaos run found. A message is "lost" when it got a 2xx and is missing from history or from its
 * recipient's XMPP client; a duplicate "before de-duplication" is a second copy of one message id, "after"
 * is one message sent once that arrived under two ids; "reordered" counts messages of a conversation that
 * came after a later message of the same conversation (first copies only).
 *
 * @param requests       HTTP requests the driver made: first attempts and retries
 * @param lost           accepted messages missing from history, from their recipient's client, or both
 * @param history        history-service's view
 * @param xmpp           what the recipients' XMPP clients received
 * @param examples       a few of the messages behind non-zero counts, to start an investigation
 */
public record ChaosReport(String runId, int messages, int conversations, List<InjectedFault> faults,
        long accepted, long refused, long notAccepted, long requests, long lost, Topic topic, Copies history,
        Copies xmpp, List<String> examples) {

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
     * message id, order kept per conversation, nothing unaccepted twice, nothing unreadable or altered.
     */
    public boolean passed() {
        return history.lost() == 0 && xmpp.lost() == 0 && history.duplicatesBeforeDedup() == 0
                && duplicatesAfterDedup() == 0 && reordered() == 0
                && history.notAcceptedDuplicated() == 0 && xmpp.notAcceptedDuplicated() == 0
                && history.wrongContent() == 0 && xmpp.wrongContent() == 0
                && topic.unreadable() == 0 && topic.acceptedMissing() == 0;
    }

    /** The report as a person reads it. */
    public String toText() {
        String faultLines = faults.stream().map(f -> String.format("  %-14s at message %7d, t+%5.1f s, whole again after %5.1f s%s",
                        f.fault().label(), f.atMessage(), f.startedAtMs() / 1000.0, f.tookMs() / 1000.0,
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
                history.wrongContent(), xmpp.wrongContent(),
                lost(), duplicatesBeforeDedup(), duplicatesAfterDedup(), reordered(),
                passed() ? "PASSED" : "FAILED",
                examples.isEmpty() ? "" : "\nexamples:\n  " + String.join("\n  ", examples));
    }
}
