package io.chatpipe.events.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class HashingGateTests {

    private static final HashingGate.Budget WHOLE_MACHINE = new HashingGate.Budget(1, Duration.ofSeconds(1));

    @Test
    void runsAtMostItsConcurrentHashesAtOnceAndQueuesTheNext() throws Exception {
        var gate = new HashingGate(2, 1, WHOLE_MACHINE);
        var release = new CountDownLatch(1);
        var running = new AtomicInteger();
        var mostAtOnce = new AtomicInteger();
        try (var callers = Executors.newFixedThreadPool(3)) {
            List<Future<Optional<String>>> held = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                held.add(callers.submit(() -> gate.hash(() -> {
                    mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                    await(release);
                    running.decrementAndGet();
                    return "hash";
                })));
            }
            while (gate.hashes() < 2) {
                Thread.onSpinWait();
            }
            release.countDown();
            for (Future<Optional<String>> f : held) {
                assertThat(f.get(30, TimeUnit.SECONDS)).as("the third waited its turn").hasValue("hash");
            }
        }
        assertThat(mostAtOnce.get()).isEqualTo(2);
        assertThat(gate.refused()).isZero();
    }

    @Test
    void refusesAtOnceWhenEveryPlaceIsTaken() throws Exception {
        var gate = new HashingGate(1, 0, WHOLE_MACHINE);
        var inside = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        var computed = new AtomicInteger();
        try (var callers = Executors.newSingleThreadExecutor()) {
            Future<Optional<Integer>> first = callers.submit(() -> gate.hash(() -> {
                inside.countDown();
                await(release);
                return computed.incrementAndGet();
            }));
            inside.await(30, TimeUnit.SECONDS);

            Optional<Integer> second = gate.hash(computed::incrementAndGet);

            assertThat(second).isEmpty();
            assertThat(gate.refused()).isEqualTo(1);
            release.countDown();
            assertThat(first.get(30, TimeUnit.SECONDS)).hasValue(1);
        }
        assertThat(computed.get()).as("the refused hash was never computed").isEqualTo(1);
        assertThat(gate.hashes()).isEqualTo(1);
        assertThat(gate.hash(() -> "again")).hasValue("again");
    }

    @Test
    void letsHashesInWhileItsBudgetOfCoreTimeLastsThenRefusesUntilItComesBack() {
        // a quarter of two cores over 2 s: 1 s of one core's time; each hash costs 400 ms of it
        var now = new AtomicLong(1_000_000_000L);
        var cpu = new AtomicLong();
        var gate = new HashingGate(0, 4, new HashingGate.Budget(0.25, Duration.ofSeconds(2)), 2, now::get, cpu::get);
        Supplier<String> hash = () -> {
            cpu.addAndGet(Duration.ofMillis(400).toNanos());
            return "hash";
        };

        assertThat(gate.hash(hash)).hasValue("hash");
        assertThat(gate.hash(hash)).hasValue("hash");
        assertThat(gate.hash(hash)).as("let in with 200 ms left, it takes 400").hasValue("hash");
        assertThat(gate.retryAfter()).as("200 ms owed, at half a core a second")
                .isBetween(Duration.ofMillis(400), Duration.ofMillis(401));

        assertThat(gate.hash(hash)).isEmpty();
        assertThat(gate.refused()).isEqualTo(1);
        assertThat(gate.hashes()).isEqualTo(3);
        now.addAndGet(Duration.ofMillis(400).toNanos());
        assertThat(gate.hash(hash)).isEmpty();
        now.addAndGet(Duration.ofMillis(1).toNanos());
        assertThat(gate.retryAfter()).isZero();
        assertThat(gate.hash(hash)).hasValue("hash");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
