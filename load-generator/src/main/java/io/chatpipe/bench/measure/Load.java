package io.chatpipe.bench.measure;

import org.HdrHistogram.Histogram;

/**
 * What one measured load did: how many requests, how many items they carried through (messages
 * accepted, delivered, received), how long it took, and the latency of each request.
 *
 * @param items  what counts for the rate: accepted messages, for instance, where a batch request carries many
 * @param firstError the first failure seen, or null: a figure with failures says why beside it
 */
public record Load(
        String name,
        long requests,
        long items,
        long errors,
        double seconds,
        double itemsPerSecond,
        double p50Ms,
        double p99Ms,
        double p999Ms,
        double maxMs,
        String firstError) {

    /** From latencies recorded in microseconds. */
    public static Load of(String name, Histogram micros, long items, long errors, double seconds, String firstError) {
        long requests = micros.getTotalCount();
        return new Load(name, requests, items, errors, seconds, seconds > 0 ? items / seconds : 0,
                percentile(micros, 50), percentile(micros, 99), percentile(micros, 99.9),
                requests == 0 ? 0 : micros.getMaxValue() / 1000.0, firstError);
    }

    /** A load measured by another tool (Kafka's, for instance), which reports its own figures. */
    public static Load reported(String name, long items, double seconds, double itemsPerSecond,
            double p50Ms, double p99Ms, double p999Ms, double maxMs) {
        return new Load(name, items, items, 0, seconds, itemsPerSecond, p50Ms, p99Ms, p999Ms, maxMs, null);
    }

    private static double percentile(Histogram micros, double percentile) {
        return micros.getTotalCount() == 0 ? 0 : micros.getValueAtPercentile(percentile) / 1000.0;
    }
}
