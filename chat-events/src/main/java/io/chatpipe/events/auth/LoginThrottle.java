package io.chatpipe.events.auth;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * Failed logins, counted by account and by client address, for every door that checks a chat password. Each
 * account and each address has a Bucket4j bucket of {@code failures} tokens refilled over {@code window}; a
 * failure takes one. The failure that takes the last one locks the account (or address) for the time one token
 * takes to come back ({@code window / failures}). Once locked, each failure after the lock ends locks it again for
 * twice as long, up to {@code maxDelay}, until it has been left alone for a window and its bucket is full. While
 * it is locked, a door refuses the login (429 with {@code Retry-After}) before it computes a hash: a guesser costs
 * a map lookup, not a BCrypt. A success resets the account, not the address (a guesser with one account of their
 * own must not clear their address). Keys are forgotten once idle, swept when there are many, so that memory
 * follows the rate of failures, not their total.
 *
 * <p>The counts are this instance's: with N instances behind a balancer a guesser gets at most N times the bound.
 * Sharing them through Kafka would turn every wrong guess into a broker write that every instance reads, which is
 * a flood's cost moved to Kafka, and would still lag by the time a record takes to arrive; BCrypt's cost and this
 * bound per instance leave an attacker a handful of guesses a minute an instance instead.
 *
 * <p>Locking accounts lets anyone lock out a user by guessing wrong on purpose, for the lock's time; the lock
 * only grows while the guessing goes on, and other accounts and addresses are untouched.
 */
public final class LoginThrottle {

    /** Above this many remembered keys, idle ones are swept before another is added. */
    private static final int SWEEP_ABOVE = 10_000;

    /**
     * @param failures how many failed logins are let through within {@code window}
     * @param window   over which they are counted: one comes back each {@code window / failures}
     */
    public record Bound(int failures, Duration window) {

        public Bound {
            if (failures < 1) {
                throw new IllegalArgumentException("failures must be at least 1");
            }
            if (window == null || window.isNegative() || window.isZero()) {
                throw new IllegalArgumentException("window must be positive");
            }
        }

        Duration firstDelay() {
            return window.dividedBy(failures);
        }
    }

    /**
     * A lock that a failure began, for the door to log once: which kind of key ({@code account} or
     * {@code address}), the key, how long, and after how many failures in what window.
     */
    public record Lock(String kind, String key, Duration delay, Bound bound) {
    }

    private final Keys accounts;
    private final Keys addresses;

    /** @param maxDelay the longest a lock grows to */
    public LoginThrottle(Bound perAccount, Bound perAddress, Duration maxDelay) {
        this(perAccount, perAddress, maxDelay, System::nanoTime);
    }

    /** With a clock of the caller's, in nanoseconds, for tests. */
    public LoginThrottle(Bound perAccount, Bound perAddress, Duration maxDelay, LongSupplier nanoTime) {
        this.accounts = new Keys("account", perAccount, maxDelay, nanoTime);
        this.addresses = new Keys("address", perAddress, maxDelay, nanoTime);
    }

    /**
     * How long the login of this account from this address must wait, rounded up to whole seconds (at least one);
     * empty when it may be checked now.
     */
    public Optional<Duration> retryAfter(String account, String address) {
        long nanos = Math.max(accounts.lockedFor(account), addresses.lockedFor(address));
        if (nanos <= 0) {
            return Optional.empty();
        }
        long second = Duration.ofSeconds(1).toNanos();
        return Optional.of(Duration.ofSeconds((nanos + second - 1) / second));
    }

    /**
     * A password was checked and was wrong (or the account does not exist).
     *
     * @return the locks this failure began (none, or the account's, the address's or both), to be logged
     */
    public List<Lock> failed(String account, String address) {
        return Stream.concat(accounts.failed(account).stream(), addresses.failed(address).stream()).toList();
    }

    /**
     * A login from this address was refused unchecked, for want of room to hash its password ({@link HashingGate}):
     * it counts as a failure of the address when the address has failures on its record (not yet all come back, or
     * a lock within a window), as one client sending guesses faster than they can be hashed is still guessing, and
     * must meet its bound within its first attempts, not its first checked ones. An address with no failure on its
     * record has made no guess, and is not counted:
     * users logging in at once through one address (an office's NAT) are not locked out by being refused. The
     * account is not counted either: else anyone could lock an account without a password checked at all.
     *
     * @return the lock this refusal began, if it began one, to be logged
     */
    public List<Lock> refusedUnchecked(String address) {
        return addresses.failedIfRemembered(address).stream().toList();
    }

    /** A password was checked and was right: the account starts afresh. */
    public void succeeded(String account) {
        accounts.forget(account);
    }

    /** The keys of one kind (accounts or addresses), each with its bucket and lock. */
    private static final class Keys {

        private final String kind;
        private final Bound bound;
        private final long maxDelay;
        private final LongSupplier nanoTime;
        private final TimeMeter meter;
        private final Map<String, Failures> byKey = new ConcurrentHashMap<>();
        private volatile long lastSweep;

        Keys(String kind, Bound bound, Duration maxDelay, LongSupplier nanoTime) {
            this.kind = kind;
            this.bound = bound;
            this.maxDelay = Math.max(maxDelay.toNanos(), bound.firstDelay().toNanos());
            this.nanoTime = nanoTime;
            this.meter = new NanoTimeMeter(nanoTime);
        }

        long lockedFor(String key) {
            Failures failures = byKey.get(key);
            return failures == null ? 0 : failures.lockedFor(nanoTime.getAsLong());
        }

        Optional<Lock> failed(String key) {
            long now = nanoTime.getAsLong();
            if (byKey.size() > SWEEP_ABOVE && now - lastSweep > Duration.ofSeconds(1).toNanos()) {
                lastSweep = now;
                byKey.values().removeIf(failures -> failures.idle(now));
            }
            Failures failures = byKey.computeIfAbsent(key, k -> new Failures(Bucket.builder()
                    .withCustomTimePrecision(meter)
                    .addLimit(limit -> limit.capacity(bound.failures()).refillGreedy(bound.failures(), bound.window()))
                    .build()));
            return failures.failed(now).map(lock -> new Lock(kind, key, Duration.ofNanos(lock), bound));
        }

        /** A failure of a key with failures on its record; nothing for one without. */
        Optional<Lock> failedIfRemembered(String key) {
            Failures failures = byKey.get(key);
            long now = nanoTime.getAsLong();
            if (failures == null || failures.idle(now)) {
                return Optional.empty();
            }
            return failures.failed(now).map(lock -> new Lock(kind, key, Duration.ofNanos(lock), bound));
        }

        void forget(String key) {
            byKey.remove(key);
        }

        /** One key's failures: its bucket, how often it was locked, and until when (nanoTime). */
        private final class Failures {

            private final Bucket bucket;
            private int locks;
            private long lockedUntil;
            private boolean locked;

            Failures(Bucket bucket) {
                this.bucket = bucket;
            }

            synchronized long lockedFor(long now) {
                return locked ? lockedUntil - now : 0;
            }

            /** The lock this failure starts, in nanoseconds, if it starts one. */
            synchronized Optional<Long> failed(long now) {
                if (locked && lockedUntil - now > 0) {
                    return Optional.empty();  // a door let it through before the lock began: it is counted already
                }
                if (idle(now)) {
                    locks = 0;
                    locked = false;
                }
                bucket.tryConsume(1);
                if (locks == 0 && bucket.getAvailableTokens() > 0) {
                    return Optional.empty();
                }
                long delay = bound.firstDelay().toNanos() << Math.min(locks, 30);
                delay = delay <= 0 || delay > maxDelay ? maxDelay : delay;
                locks++;
                locked = true;
                lockedUntil = now + delay;
                return Optional.of(delay);
            }

            /** Unlocked for a window and with a full bucket: it remembers nothing that counts. */
            synchronized boolean idle(long now) {
                return (!locked || now - lockedUntil > bound.window().toNanos())
                        && bucket.getAvailableTokens() >= bound.failures();
            }
        }
    }
}
