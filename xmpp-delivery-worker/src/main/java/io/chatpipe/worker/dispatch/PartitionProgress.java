package io.chatpipe.worker.dispatch;

import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;

/**
 * How far one assigned partition is delivered: the offsets read and not yet done. Records finish out
 * of order (different conversations), so what may be committed is the lowest offset not done, or the
 * offset after the last one read when everything is done.
 */
final class PartitionProgress {

    final TopicPartition partition;

    private final ConcurrentSkipListSet<Long> pending = new ConcurrentSkipListSet<>();

    /** Attempts under way, awaited before the partition is given up. */
    final AtomicInteger attempts = new AtomicInteger();

    /** The offset after the last record read; written by the dispatcher's thread only. */
    private volatile long next = -1;

    /** The offset last committed; the dispatcher's thread only. */
    long committed = -1;

    /** Taken away from this instance: its records are no longer worked on. */
    volatile boolean revoked;

    PartitionProgress(TopicPartition partition) {
        this.partition = partition;
    }

    /** Records read and not yet done. */
    private final AtomicInteger waiting = new AtomicInteger();

    void received(long offset) {
        if (pending.add(offset)) {
            waiting.incrementAndGet();
        }
        next = offset + 1;
    }

    void done(long offset) {
        if (pending.remove(offset)) {
            waiting.decrementAndGet();
        }
    }

    /** How many records read from this partition are not yet done. */
    int waiting() {
        return waiting.get();
    }

    /** The offset to commit: every record before it is done. -1 when nothing was read. */
    long committable() {
        var lowest = pending.iterator();
        return lowest.hasNext() ? lowest.next() : next;
    }
}
