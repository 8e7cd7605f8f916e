package io.chatpipe.events.auth;

import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * At most {@code concurrent} password hashes at once, and at most {@code queued} more waiting for their turn;
 * a hash beyond that is not computed at all, and the door answers "busy, retry later". BCrypt takes tens of
 * milliseconds of a core by design: without a bound, a flood of logins takes every core and the request threads
 * that message intake and the WebSocket sessions need. With one, it takes {@code concurrent} cores at most and
 * holds {@code concurrent + queued} request threads.
 */
public final class HashingGate {

    private final Semaphore admitted;
    private final Semaphore running;
    private final LongAdder hashes = new LongAdder();
    private final LongAdder refused = new LongAdder();

    /**
     * @param concurrent hashes computed at once; 0 for half the cores this JVM has, at least one: a flood from many
     *                   addresses, which no count of failures stops, then leaves the other half to the rest
     * @param queued     hashes that may wait for a turn; beyond that they are refused at once
     */
    public HashingGate(int concurrent, int queued) {
        if (concurrent < 0 || queued < 0) {
            throw new IllegalArgumentException("concurrent and queued must not be negative");
        }
        int permits = concurrent == 0 ? Math.max(1, Runtime.getRuntime().availableProcessors() / 2) : concurrent;
        this.running = new Semaphore(permits, true);
        this.admitted = new Semaphore(permits + queued);
    }

    /**
     * Computes a hash (or a hash check) when there is room; empty, without computing it, when there is none.
     */
    public <T> Optional<T> hash(Supplier<T> hash) {
        if (!admitted.tryAcquire()) {
            refused.increment();
            return Optional.empty();
        }
        try {
            running.acquire();
            try {
                hashes.increment();
                return Optional.of(hash.get());
            } finally {
                running.release();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            refused.increment();
            return Optional.empty();
        } finally {
            admitted.release();
        }
    }

    /** Hashes computed (or begun) since this gate was made. */
    public long hashes() {
        return hashes.sum();
    }

    /** Hashes refused for want of room since this gate was made. */
    public long refused() {
        return refused.sum();
    }
}
