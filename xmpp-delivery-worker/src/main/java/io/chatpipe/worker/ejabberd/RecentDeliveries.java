package io.chatpipe.worker.ejabberd;

import io.chatpipe.events.UserId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The messages confirmed in the last few seconds, to be sent again after ejabberd went away.
 *
 * <p>In the first moments of an ejabberd stop, a session can still take a stanza and answer the
 * {@link SessionBarrier} while its connection is already closing, and a user without a session can
 * have a stanza routed while the offline store is stopping: confirmed, yet neither received nor
 * stored. Nothing ejabberd answers tells these from the rest, so when ejabberd stops answering, what
 * was confirmed shortly before is sent again, in the order first sent, before anything new (clients
 * de-duplicate by id). Kept in memory: a worker that dies in the same moment cannot do it.
 */
final class RecentDeliveries {

    /** One confirmed stanza, and when ({@link System#nanoTime()}). */
    record Delivered(UserId from, UserId to, String stanza, long at) {
    }

    private final long windowNanos;

    private final long maxChars;

    /** Confirmed within the window, oldest first. */
    private final ArrayDeque<Delivered> recent = new ArrayDeque<>();

    private long recentChars;

    /** Taken from {@code recent} when ejabberd went away; sent again, oldest first, before anything new. */
    private final ArrayDeque<Delivered> again = new ArrayDeque<>();

    /**
     * @param windowNanos how long before ejabberd went away a confirmation is doubted
     * @param maxChars    the most stanza text kept; the oldest goes first beyond it
     */
    RecentDeliveries(long windowNanos, long maxChars) {
        this.windowNanos = windowNanos;
        this.maxChars = maxChars;
    }

    synchronized void confirmed(Delivered delivered) {
        recent.addLast(delivered);
        recentChars += delivered.stanza().length();
        while (!recent.isEmpty() && (recent.peekFirst().at() < delivered.at() - windowNanos || recentChars > maxChars)) {
            recentChars -= recent.removeFirst().stanza().length();
        }
    }

    /** ejabberd refused a connection at {@code now}: what was confirmed in the window before is doubted. */
    synchronized void unreachable(long now) {
        for (Delivered delivered : recent) {
            if (delivered.at() >= now - windowNanos) {
                again.addLast(delivered);
            }
        }
        recent.clear();
        recentChars = 0;
    }

    /** What is to be sent again, oldest first. */
    synchronized List<Delivered> toSendAgain() {
        return new ArrayList<>(again);
    }

    /** {@code delivered} was sent again and confirmed: it counts as recent again, in case ejabberd goes again. */
    synchronized void sentAgain(Delivered delivered, long now) {
        if (again.remove(delivered)) {
            confirmed(new Delivered(delivered.from(), delivered.to(), delivered.stanza(), now));
        }
    }

    synchronized boolean anyToSendAgain() {
        return !again.isEmpty();
    }
}
