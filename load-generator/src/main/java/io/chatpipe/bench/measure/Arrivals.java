package io.chatpipe.bench.measure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntUnaryOperator;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Latency from when a message was due to be sent until a client received it: messages are numbered,
 * the number travels in the message, and the receiver reports it here. A message may be due at several
 * receivers (every session of its recipient): each arrival is timed, up to that many.
 */
public final class Arrivals {

    private final ConcurrentHashMap<Integer, Due> due = new ConcurrentHashMap<>();
    private final IntUnaryOperator copies;
    private final Histogram micros = new ConcurrentHistogram(3);
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile String firstError;

    /** Each message is due once. */
    public Arrivals() {
        this(message -> 1);
    }

    /** @param copies how many receivers message {@code n} is due at: so many arrivals are timed */
    public Arrivals(IntUnaryOperator copies) {
        this.copies = copies;
    }

    void expect(int message, long dueNanos) {
        due.put(message, new Due(dueNanos, copies.applyAsInt(message)));
    }

    /** A client received message {@code number}; more arrivals than it is due and strangers are ignored. */
    public void received(int number) {
        long now = System.nanoTime();
        Due[] taken = new Due[1];
        due.computeIfPresent(number, (n, d) -> {
            taken[0] = d;
            return d.left() == 1 ? null : new Due(d.nanos(), d.left() - 1);
        });
        if (taken[0] != null) {
            micros.recordValue(Math.max(0, (now - taken[0].nanos()) / 1000));
            received.incrementAndGet();
        }
    }

    /** Sending message {@code number} failed: none of its arrivals will come. */
    public void failed(int number, Exception error) {
        Due lost = due.remove(number);
        if (lost != null) {
            failed.addAndGet(lost.left());
            if (firstError == null) {
                firstError = error.getMessage();
            }
        }
    }

    public long received() {
        return received.get();
    }

    /** Waits until every expected message arrived or failed, for at most {@code timeout}. */
    public void await(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!due.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    /** The load as measured, over {@code seconds} of sending; every arrival that did not come counts as an error. */
    public Load load(String name, double seconds) {
        return load(name, seconds, missing());
    }

    /** Several loads measured one after the other as one: their latencies together, over their seconds together. */
    public static Load pooled(String name, List<Arrivals> rounds, double seconds) {
        var all = new Arrivals();
        long missing = 0;
        for (Arrivals round : rounds) {
            all.micros.add(round.micros);
            all.received.addAndGet(round.received.get());
            all.failed.addAndGet(round.failed.get());
            all.firstError = all.firstError != null ? all.firstError : round.firstError;
            missing += round.missing();
        }
        return all.load(name, seconds, missing);
    }

    private Load load(String name, double seconds, long missing) {
        String error = firstError != null ? firstError : missing == 0 ? null : missing + " never arrived";
        return Load.of(name, micros, received.get(), missing + failed.get(), seconds, error);
    }

    /** Arrivals still due. */
    private long missing() {
        return due.values().stream().mapToLong(Due::left).sum();
    }

    /** When a message was due to be sent, and how many of its arrivals are still to come. */
    private record Due(long nanos, int left) {
    }
}
