package io.chatpipe.events.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LoginThrottleTests {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final LoginThrottle throttle = new LoginThrottle(new LoginThrottle.Bound(10, Duration.ofMinutes(5)),
            new LoginThrottle.Bound(30, Duration.ofMinutes(5)), Duration.ofHours(1), now::get);

    @Test
    void locksAnAccountAfterItsBoundOfFailuresForTheTimeOneFailureTakesToComeBack() {
        for (int i = 0; i < 9; i++) {
            throttle.failed("alice", "10.0.0.1");
            assertThat(throttle.retryAfter("alice", "10.0.0.1")).as("after %d failures", i + 1).isEmpty();
        }
        var locks = throttle.failed("alice", "10.0.0.1");

        assertThat(locks).singleElement().satisfies(lock -> {
            assertThat(lock.kind()).isEqualTo("account");
            assertThat(lock.key()).isEqualTo("alice");
            assertThat(lock.delay()).isEqualTo(Duration.ofSeconds(30));
        });
        assertThat(throttle.retryAfter("alice", "10.0.0.1")).hasValue(Duration.ofSeconds(30));
        assertThat(throttle.retryAfter("alice", "10.0.0.2")).as("from any address").hasValue(Duration.ofSeconds(30));
        assertThat(throttle.retryAfter("bob", "10.0.0.1")).as("another account").isEmpty();
        advance(Duration.ofSeconds(29));
        assertThat(throttle.retryAfter("alice", "10.0.0.1")).hasValue(Duration.ofSeconds(1));
        advance(Duration.ofSeconds(1));
        assertThat(throttle.retryAfter("alice", "10.0.0.1")).isEmpty();
    }

    @Test
    void eachLockWhileTheGuessingGoesOnIsTwiceTheOneBeforeUpToTheLongest() {
        fail("alice", 10);
        assertThat(throttle.retryAfter("alice", "a")).hasValue(Duration.ofSeconds(30));
        long expected = 30;
        for (int lock = 2; lock <= 10; lock++) {
            advance(throttle.retryAfter("alice", "a").orElseThrow());
            fail("alice", 1);
            expected = Math.min(expected * 2, 3600);
            assertThat(throttle.retryAfter("alice", "a")).as("lock %d", lock).hasValue(Duration.ofSeconds(expected));
        }
        assertThat(expected).isEqualTo(3600);
    }

    @Test
    void anAccountLeftAloneForAWindowAfterItsLockStartsAfresh() {
        fail("alice", 10);
        advance(Duration.ofSeconds(30).plus(Duration.ofMinutes(5)).plusSeconds(1));

        fail("alice", 9);

        assertThat(throttle.retryAfter("alice", "a")).isEmpty();
        fail("alice", 1);
        assertThat(throttle.retryAfter("alice", "a")).as("a first lock again").hasValue(Duration.ofSeconds(30));
    }

    @Test
    void aSuccessResetsTheAccountButNotTheAddress() {
        for (int i = 0; i < 29; i++) {
            throttle.failed("user-" + (i % 3), "10.0.0.9");
        }
        assertThat(throttle.failed("alice", "10.0.0.9")).extracting(LoginThrottle.Lock::kind).containsExactly("address");
        assertThat(throttle.retryAfter("mallory", "10.0.0.9")).as("the address is locked").isPresent();

        throttle.succeeded("alice");
        throttle.succeeded("user-0");

        assertThat(throttle.retryAfter("mallory", "10.0.0.9")).isPresent();
        assertThat(throttle.retryAfter("user-0", "10.0.0.10")).isEmpty();
    }

    @Test
    void refusalsUncheckedCountAgainstAnAddressWithFailuresOnItsRecordButNeverAgainstAnAccount() {
        for (int i = 0; i < 100; i++) {
            assertThat(throttle.refusedUnchecked("10.0.0.1")).isEmpty();
        }
        assertThat(throttle.retryAfter("alice", "10.0.0.1")).as("no failure on its record: no guess made").isEmpty();

        throttle.failed("alice", "10.0.0.1");
        for (int i = 0; i < 28; i++) {
            assertThat(throttle.refusedUnchecked("10.0.0.1")).isEmpty();
        }
        assertThat(throttle.refusedUnchecked("10.0.0.1")).singleElement().satisfies(lock -> {
            assertThat(lock.kind()).isEqualTo("address");
            assertThat(lock.key()).isEqualTo("10.0.0.1");
        });

        assertThat(throttle.retryAfter("bob", "10.0.0.1")).as("the address, for every account").hasValue(
                Duration.ofSeconds(10));
        assertThat(throttle.retryAfter("alice", "10.0.0.2")).as("one checked failure of alice's, not ten").isEmpty();
    }

    @Test
    void aSuccessClearsAnAccountsCount() {
        fail("alice", 9);
        throttle.succeeded("alice");
        fail("alice", 9);

        assertThat(throttle.retryAfter("alice", "a")).isEmpty();
    }

    @Test
    void failuresLetThroughBeforeALockBeganDoNotLengthenIt() {
        fail("alice", 10);
        fail("alice", 5);

        assertThat(throttle.retryAfter("alice", "a")).hasValue(Duration.ofSeconds(30));
    }

    @Test
    void manyThreadsFailingAtOnceLockTheAccountOnceAfterTheBound() throws Exception {
        var throttle = new LoginThrottle(new LoginThrottle.Bound(10, Duration.ofMinutes(5)),
                new LoginThrottle.Bound(1000, Duration.ofMinutes(5)), Duration.ofHours(1));
        var start = new CountDownLatch(1);
        try (var threads = Executors.newFixedThreadPool(8)) {
            var done = new java.util.ArrayList<Future<?>>();
            for (int i = 0; i < 8; i++) {
                done.add(threads.submit(() -> {
                    start.await();
                    throttle.failed("alice", "a");
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        }
        assertThat(throttle.retryAfter("alice", "a")).isEmpty();
        throttle.failed("alice", "a");
        throttle.failed("alice", "a");
        assertThat(throttle.retryAfter("alice", "a")).isPresent();
    }

    private void fail(String account, int times) {
        for (int i = 0; i < times; i++) {
            throttle.failed(account, "a-" + account + "-" + i);
        }
    }

    private void advance(Duration duration) {
        now.addAndGet(duration.toNanos());
    }
}
