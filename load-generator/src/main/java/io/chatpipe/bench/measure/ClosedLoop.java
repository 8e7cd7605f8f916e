package io.chatpipe.bench.measure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * A closed loop: N callers, each sending its next request as soon as the last one is answered, as N
 * keep-alive connections would. A warm-up is run and thrown away first; then latency is recorded for the
 * measured time, or until a fixed number of items is done.
 */
public final class ClosedLoop {

    /** One request. Returns how many items it carried through; throws when it failed. */
    @FunctionalInterface
    public interface Call {
        int call(int caller) throws Exception;
    }

    private ClosedLoop() {
    }

    /** Runs for {@code warmup}, then measures for {@code measure}. */
    public static Load forDuration(String name, int callers, Duration warmup, Duration measure, Call call) {
        return run(name, callers, warmup, measure, Long.MAX_VALUE, call);
    }

    /** Measures until {@code items} are done (no warm-up), or {@code limit} passes. */
    public static Load forItems(String name, int callers, long items, Duration limit, Call call) {
        return run(name, callers, Duration.ZERO, limit, items, call);
    }

    private static Load run(String name, int callers, Duration warmup, Duration measure, long maxItems, Call call) {
        Histogram latencies = new ConcurrentHistogram(3);
        AtomicLong items = new AtomicLong();
        AtomicLong claimed = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        long start = System.nanoTime();
        long measureFrom = start + warmup.toNanos();
        long end = measureFrom + measure.toNanos();
        // a call still running when the measured time ends is waited for, and each caller measures at least
        // one call (on a busy machine a cold first call can outlast a short window), up to this deadline
        long overtime = end + Math.max(measure.toNanos(), Duration.ofSeconds(30).toNanos());
        AtomicLong lastDone = new AtomicLong(end);
        List<Thread> threads = new ArrayList<>();
        try (var progress = Progress.show(name, () -> System.nanoTime() < measureFrom ? "warming up"
                : String.format("%,d done, %,d errors", items.get(), errors.get()))) {
            for (int c = 0; c < callers; c++) {
                int caller = c;
                threads.add(Thread.ofPlatform().name("bench-" + c).start(() -> {
                    int measuredHere = 0;
                    while (true) {
                        long sent = System.nanoTime();
                        boolean over = sent >= end && (measuredHere > 0 || sent >= overtime);
                        if (over || (maxItems != Long.MAX_VALUE && claimed.getAndIncrement() >= maxItems)) {
                            return;
                        }
                        boolean measured = sent >= measureFrom;
                        try {
                            int done = call.call(caller);
                            if (measured) {
                                long now = System.nanoTime();
                                latencies.recordValue(Math.max(0, (now - sent) / 1000));
                                items.addAndGet(done);
                                lastDone.accumulateAndGet(now, Math::max);
                                measuredHere++;
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        } catch (Exception e) {
                            if (measured) {
                                errors.incrementAndGet();
                                measuredHere++;
                            }
                            firstError.compareAndSet(null, String.valueOf(e.getMessage()));
                            pause();   // a refusing server is not hammered in a tight loop
                        }
                    }
                }));
            }
            for (Thread thread : threads) {
                thread.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            threads.forEach(Thread::interrupt);
        }
        double seconds = (Math.min(System.nanoTime(), lastDone.get()) - measureFrom) / 1e9;
        return Load.of(name, latencies, items.get(), errors.get(), seconds, firstError.get());
    }

    private static void pause() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
