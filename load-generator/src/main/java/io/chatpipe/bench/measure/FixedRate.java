package io.chatpipe.bench.measure;

import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * An open loop: request i is sent at {@code start + i / rate}, whatever became of the ones before it, so a
 * slow answer delays no later request and every latency is measured from when its request was due
 * (no coordinated omission).
 */
public final class FixedRate {

    private final long start;
    private final long intervalNanos;

    private FixedRate(double perSecond) {
        this.start = System.nanoTime() + 10_000_000;
        this.intervalNanos = Math.round(1e9 / perSecond);
    }

    /** Sends {@code count} requests at {@code perSecond}; returns once every send has returned. */
    public static FixedRate send(int count, double perSecond, Arrivals arrivals, IntConsumer send) {
        var pace = new FixedRate(perSecond);
        try (var senders = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < count; i++) {
                long due = pace.due(i);
                arrivals.expect(i, due);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                int request = i;
                senders.submit(() -> send.accept(request));
            }
        }
        return pace;
    }

    long due(int request) {
        return start + request * intervalNanos;
    }
}
