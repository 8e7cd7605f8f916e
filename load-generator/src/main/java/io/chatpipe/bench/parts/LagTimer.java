package io.chatpipe.bench.parts;

import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A service's own lag timer, a histogram on its {@code /actuator/prometheus}, read before and after a load: the
 * worker's {@code chatpipe.worker.delivery.lag}, from a message's acceptance by the api-service to its first handing
 * to the XMPP server (it splits a round's end-to-end latency in two: up to the worker's call to ejabberd, and the
 * rest), and capture's {@code chatpipe.capture.lag}, from ejabberd's archiving of a row to capture's handling of it.
 */
public final class LagTimer {

    /** The worker's timer, by its Prometheus name. */
    public static final String WORKER = "chatpipe_worker_delivery_lag_seconds";

    /** Capture's timer, by its Prometheus name. */
    public static final String CAPTURE = "chatpipe_capture_lag_seconds";

    private final Http http;
    private final URI prometheus;
    private final String metric;

    private LagTimer(Http http, URI service, String metric) {
        this.http = http;
        this.prometheus = service.resolve("/actuator/prometheus");
        this.metric = metric;
    }

    /** The worker's delivery lag, at the worker's base URL. */
    public static LagTimer worker(Http http, URI worker) {
        return new LagTimer(http, worker, WORKER);
    }

    /** Capture's lag behind ejabberd's archive, at capture's base URL. */
    public static LagTimer capture(Http http, URI capture) {
        return new LagTimer(http, capture, CAPTURE);
    }

    /** The histogram now: the count of lags up to each bucket's upper bound. */
    public Snapshot read() throws IOException {
        return Snapshot.parse(metric, Http.expect(http.get(prometheus), 200).body());
    }

    /** Cumulative counts by each bucket's upper bound in seconds, as Prometheus publishes a histogram. */
    public record Snapshot(Map<Double, Long> counts) {

        /** The worker's histogram in a Prometheus text. */
        static Snapshot parse(String prometheusText) {
            return parse(WORKER, prometheusText);
        }

        static Snapshot parse(String metric, String prometheusText) {
            var counts = new TreeMap<Double, Long>();
            Matcher bucket = Pattern.compile("^" + Pattern.quote(metric) + "_bucket\\{le=\"([^\"]+)\"} (\\S+)$",
                    Pattern.MULTILINE).matcher(prometheusText);
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
