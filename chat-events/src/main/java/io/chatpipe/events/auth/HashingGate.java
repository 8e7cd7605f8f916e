package io.chatpipe.events.auth;

import io.github.bucket4j.Bucket;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * At most {@code concurrent} password hashes at once, at most {@code queued} more waiting for their turn, and at
 * most a share of the cores' time over a second or so (the {@link Budget}); a hash beyond that is not computed at
 * all, and the door answers "busy, retry later". BCrypt takes tens of milliseconds of a core by design: without a
 * bound, a flood of logins takes every core and the request threads that message intake and the WebSocket
 * sessions need. The concurrency bound holds the request threads to {@code concurrent + queued} and the cores to
 * {@code concurrent} at any instant; the budget holds a flood that lasts (from many addresses, which no count of
 * failures stops) to its share of the cores.
 *
 * <p>The budget is a Bucket4j bucket of core time, in microseconds: a hash is let in while the bucket holds any, and
 * then takes what it cost, measured as the CPU time of the thread that computed it (wall time where the JVM cannot
 * tell). Core time rather than a count of hashes, because hashes differ in cost: one stored with a higher BCrypt
 * cost takes twice as long for each step, and a count sized for one cost would be far off for another.
 */
public final class HashingGate {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /**
     * What hashing may take of the cores: {@code share} of them, measured over {@code burst}. A flood takes up to
     * {@code concurrent} cores for about {@code burst} (what the bucket holds when it begins), then the share.
     *
     * @param share of all the cores this JVM has, more than 0 and at most 1
     * @param burst the bucket holds {@code share} of the cores for this long
     */
    public record Budget(double share, Duration burst) {

        public Budget {
            if (!(share > 0 && share <= 1)) {
                throw new IllegalArgumentException("the share of the cores must be more than 0 and at most 1");
            }
            if (burst == null || burst.isNegative() || burst.isZero()) {
                throw new IllegalArgumentException("the burst must be positive");
            }
        }
    }

    private final Semaphore admitted;
    private final Semaphore running;
    private final Bucket budget;
    private final LongSupplier cpuTime;
    private final LongAdder hashes = new LongAdder();
    private final LongAdder refused = new LongAdder();

    /**
     * @param concurrent hashes computed at once; 0 for half the cores this JVM has, at least one: a flood from many
     *                   addresses, which no count of failures stops, then leaves the other half to the rest
     * @param queued     hashes that may wait for a turn; beyond that they are refused at once
     * @param budget     the share of the cores' time that hashing may take
     */
    public HashingGate(int concurrent, int queued, Budget budget) {
        this(concurrent, queued, budget, Runtime.getRuntime().availableProcessors(), System::nanoTime,
                HashingGate::threadTime);
    }

    /** With the caller's count of cores, clock and measure of a hash's cost (all in nanoseconds), for tests. */
    HashingGate(int concurrent, int queued, Budget budget, int cores, LongSupplier nanoTime, LongSupplier cpuTime) {
        if (concurrent < 0 || queued < 0) {
            throw new IllegalArgumentException("concurrent and queued must not be negative");
        }
        int permits = concurrent == 0 ? Math.max(1, cores / 2) : concurrent;
        this.running = new Semaphore(permits, true);
        this.admitted = new Semaphore(permits + queued);
        this.cpuTime = cpuTime;
        long capacity = Math.max(1, Math.round(budget.share() * cores * budget.burst().toNanos() / 1000.0));
        this.budget = Bucket.builder()
                .withCustomTimePrecision(new NanoTimeMeter(nanoTime))
                .addLimit(limit -> limit.capacity(capacity).refillGreedy(capacity, budget.burst()))
                .build();
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
            // the budget only lets a hash in: what it takes is known once it is done
            if (!budget.tryConsume(1)) {
                refused.increment();
                return Optional.empty();
            }
            running.acquire();
            long began = cpuTime.getAsLong();
            try {
                hashes.increment();
                return Optional.of(hash.get());
            } finally {
                long micros = (cpuTime.getAsLong() - began + 999) / 1000;
                if (micros > 1) {
                    budget.consumeIgnoringRateLimits(micros - 1);
                }
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

    /**
     * How long until the budget lets a hash in again: zero while it would (a hash refused now was refused for
     * want of a place, not of budget).
     */
    public Duration retryAfter() {
        return Duration.ofNanos(budget.estimateAbilityToConsume(1).getNanosToWaitForRefill());
    }

    /** Hashes computed (or begun) since this gate was made. */
    public long hashes() {
        return hashes.sum();
    }

    /** Hashes refused for want of room since this gate was made. */
    public long refused() {
        return refused.sum();
    }

    /** This thread's CPU time where the JVM measures it, else the wall clock's. */
    private static long threadTime() {
        long cpu = THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : -1;
        return cpu >= 0 ? cpu : System.nanoTime();
    }
}
