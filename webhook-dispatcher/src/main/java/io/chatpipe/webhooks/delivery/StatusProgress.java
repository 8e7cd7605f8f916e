package io.chatpipe.webhooks.delivery;

import io.chatpipe.events.DeliveryAttempted;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How far each endpoint has been sent each recent message's status, so that a report which does not move it on
 * is not queued: the worker's ACCEPTED and capture's STORED both say delivered, a late retry says delivered after
 * read, and receipts come in any order. The rule is history's ({@link DeliveryAttempted.Outcome#confirmed}): once
 * delivered, a status only moves on to received, then read; a failure counts only before that.
 *
 * <p>Kept in memory for the latest {@value #REMEMBERED} endpoint-and-message pairs. After a restart, a rebalance or
 * for an older message a repeat can still go out, under the same {@code Chatpipe-Event-Id} as the first, so an
 * integrator that de-duplicates by it stays right; this only spares the common repeat. A batch's decisions count
 * only once its outbox writes are acknowledged ({@link Batch#commit}): a batch read again decides again.
 */
final class StatusProgress {

    static final int REMEMBERED = 200_000;

    private final Map<String, Integer> sent = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
            return size() > REMEMBERED;
        }
    };

    Batch batch() {
        return new Batch();
    }

    /** One fan-out batch's decisions, staged until its writes are acknowledged. */
    final class Batch {

        private final Map<String, Integer> staged = new HashMap<>();

        /** Whether the report moves its message's status on for the endpoint (an event to send); staged if so. */
        boolean movesOn(String endpointId, DeliveryAttempted report) {
            int next = report.outcome().confirmed();
            String key = endpointId + "|" + report.messageId();
            Integer before = staged.get(key);
            if (before == null) {
                synchronized (sent) {
                    before = sent.get(key);
                }
            }
            // a failure (0) goes out only for a message nothing was sent for yet
            if (before != null && (next == 0 || next <= before)) {
                return false;
            }
            staged.put(key, next);
            return true;
        }

        void commit() {
            synchronized (sent) {
                sent.putAll(staged);
            }
        }
    }
}
