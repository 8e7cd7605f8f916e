package io.chatpipe.bench.measure;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Latency from when a message was due to be sent until a client received it: messages are numbered,
 * the number travels in the message, and the receiver reports it here.
 */
public final class Arrivals {

    private final ConcurrentHashMap<Integer, Long> due = new ConcurrentHashMap<>();
    private final Histogram micros = new ConcurrentHistogram(3);
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile String firstError;

    void expect(int message, long dueNanos) {
        due.put(message, dueNanos);
    }

    /** A client received message {@code number}; duplicates and strangers are ignored. */
    public void received(int number) {
        long now = System.nanoTime();
        Long sent = due.remove(number);
        if (sent != null) {
            micros.recordValue(Math.max(0, (now - sent) / 1000));
            received.incrementAndGet();
        }
    }

    /** Sending message {@code number} failed: it will not arrive. */
    public void failed(int number, Exception error) {
        if (due.remove(number) != null) {
            failed.incrementAndGet();
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

    /** The load as measured, over {@code seconds} of sending; whatever did not arrive counts as an error. */
    public Load load(String name, double seconds) {
        long lost = due.size() + failed.get();
        String error = firstError != null ? firstError : due.isEmpty() ? null : due.size() + " never arrived";
        return Load.of(name, micros, received.get(), lost, seconds, error);
    }
}
