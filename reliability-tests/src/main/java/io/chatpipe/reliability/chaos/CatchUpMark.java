package io.chatpipe.reliability.chaos;

/**
 * Where a client's archive catch-up starts: after the last archive id it saw before its stream dropped, not
 * after the last one it has seen by the time the catch-up runs. The live messages of the new session arrive
 * before the catch-up's query, and their ids are later than those of messages stored while the client was
 * away that the new session never brings: ejabberd can route a message to offline storage when no session is
 * up, archive it, and store it offline only after the client's next session has flooded its offline messages
 * (its archive write waits for the database). Starting after a live message of the new session skips them.
 *
 * <p>A second drop before a catch-up finishes keeps the first drop's start: the catch-up that follows covers both.
 * Not thread-safe on its own; its client synchronizes.
 */
final class CatchUpMark {

    /** The start of one catch-up (after null: the whole archive), and the drop it answers. */
    record Start(String after, long drop) {
    }

    private String lastSeen;

    /** Whether a drop is not caught up yet. */
    private boolean pending;

    /** With {@link #pending}: the last id seen before that drop; null when none was. */
    private String pendingAfter;

    private long drops;

    /** An archive id the client saw, live or from the archive. */
    void seen(String archiveId) {
        if (archiveId != null) {
            lastSeen = archiveId;
        }
    }

    /** The stream dropped: the ids seen so far are where the next catch-up starts, unless one is pending already. */
    void dropped() {
        if (!pending) {
            pending = true;
            pendingAfter = lastSeen;
        }
        drops++;
    }

    /** Where the catch-up after a new session starts. */
    Start start() {
        return new Start(pending ? pendingAfter : lastSeen, drops);
    }

    /** The catch-up from {@code start} read the archive through: the next drop starts from what is seen then. */
    void caughtUp(Start start) {
        if (start.drop() == drops) {
            pending = false;   // no drop since the catch-up began: nothing it may have missed
        }
    }
}
