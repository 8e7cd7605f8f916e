package io.chatpipe.events.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HashingGateTests {

    @Test
    void runsAtMostItsConcurrentHashesAtOnceAndQueuesTheNext() throws Exception {
        var gate = new HashingGate(2, 1);
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
        var gate = new HashingGate(1, 0);
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

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
