package io.chatpipe.bench.parts;

import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The worker's own timer of each message, from its acceptance by the api-service to its first handing to the XMPP
 * server ({@code chatpipe.worker.delivery.lag}, a histogram on the worker's {@code /actuator/prometheus}). Read
 * before and after a round, it splits the round's end-to-end latency in two: up to the worker's call to ejabberd
 * (the api-service, Kafka, the worker), and the rest (ejabberd, the client).
 */
public final class WorkerLag {

    private static final Pattern BUCKET = Pattern.compile(
            "^chatpipe_worker_delivery_lag_seconds_bucket\\{le=\"([^\"]+)\"} (\\S+)$", Pattern.MULTILINE);

    private final Http http;
    private final URI prometheus;

    public WorkerLag(Http http, URI worker) {
        this.http = http;
        this.prometheus = worker.resolve("/actuator/prometheus");
    }

    /** The histogram now: the count of lags up to each bucket's upper bound. */
    public Snapshot read() throws IOException {
        return Snapshot.parse(Http.expect(http.get(prometheus), 200).body());
    }

    /** Cumulative counts by each bucket's upper bound in seconds, as Prometheus publishes a histogram. */
    public record Snapshot(Map<Double, Long> counts) {

        static Snapshot parse(String prometheusText) {
            var counts = new TreeMap<Double, Long>();
            Matcher bucket = BUCKET.matcher(prometheusText);
            while (bucket.find()) {
                double le = "+Inf".equals(bucket.group(1)) ? Double.POSITIVE_INFINITY
                        : Double.parseDouble(bucket.group(1));
                counts.put(le, (long) Double.parseDouble(bucket.group(2)));
            }
            return new Snapshot(counts);
        }

        /**
         * The upper bound, in milliseconds, of the bucket that holds {@code percentile} of the lags recorded since
         * {@code before}; empty when none were, or it lies beyond the last finite bucket.
         */
        public OptionalDouble percentileSince(Snapshot before, double percentile) {
            long total = counts.getOrDefault(Double.POSITIVE_INFINITY, 0L)
                    - before.counts.getOrDefault(Double.POSITIVE_INFINITY, 0L);
            if (total <= 0) {
                return OptionalDouble.empty();
            }
            double wanted = total * percentile / 100;
            for (var bucket : counts.entrySet()) {
                long upTo = bucket.getValue() - before.counts.getOrDefault(bucket.getKey(), 0L);
                if (upTo >= wanted) {
                    return Double.isInfinite(bucket.getKey()) ? OptionalDouble.empty()
                            : OptionalDouble.of(bucket.getKey() * 1000);
                }
            }
            return OptionalDouble.empty();
        }
    }
}
