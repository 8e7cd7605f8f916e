package io.chatpipe.bench.parts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The worker's histogram as its /actuator/prometheus publishes it (the lines of a bench run, fewer buckets). */
class LagTimerTests {

    private static String prometheus(long upTo1ms, long upTo16ms, long upTo22ms, long upTo201ms, long all) {
        return """
                # HELP chatpipe_worker_delivery_lag_seconds From a message's acceptance by the api-service to its first handing to the XMPP server
                # TYPE chatpipe_worker_delivery_lag_seconds histogram
                chatpipe_worker_delivery_lag_seconds_bucket{le="0.001"} %d
                chatpipe_worker_delivery_lag_seconds_bucket{le="0.016777216"} %d
                chatpipe_worker_delivery_lag_seconds_bucket{le="0.022369621"} %d
                chatpipe_worker_delivery_lag_seconds_bucket{le="0.20132659"} %d
                chatpipe_worker_delivery_lag_seconds_bucket{le="+Inf"} %d
                chatpipe_worker_delivery_lag_seconds_count %d
                chatpipe_worker_delivery_lag_seconds_sum 338018.165467459
                chatpipe_worker_delivery_lag_seconds_max 33.840681597
                chatpipe_worker_confirmations_seconds_bucket{le="0.001"} 999999
                """.formatted(upTo1ms, upTo16ms, upTo22ms, upTo201ms, all, all);
    }

    @Test
    void takesThePercentileOfWhatWasRecordedBetweenTwoReads() {
        // before the round: 1,000 lags from an earlier backlog, all over 201 ms
        var before = LagTimer.Snapshot.parse(prometheus(0, 0, 0, 0, 1_000));
        // the round: 900 up to 16.8 ms, 95 more up to 22.4 ms, 5 up to 201 ms
        var after = LagTimer.Snapshot.parse(prometheus(0, 900, 995, 1_000, 2_000));

        assertThat(after.percentileSince(before, 99).getAsDouble()).isCloseTo(22.369621, within(1e-6));
        assertThat(after.percentileSince(before, 90).getAsDouble()).isCloseTo(16.777216, within(1e-6));
        assertThat(after.percentileSince(before, 99.9).getAsDouble()).isCloseTo(201.32659, within(1e-6));
        // over the whole life of the timer the backlog's lags dominate: beyond the last finite bucket
        assertThat(after.percentileSince(LagTimer.Snapshot.parse(""), 99)).isEmpty();
    }

    @Test
    void hasNoPercentileWhenNothingWasRecorded() {
        var snapshot = LagTimer.Snapshot.parse(prometheus(3, 4, 5, 6, 7));

        assertThat(snapshot.percentileSince(snapshot, 99)).isEmpty();
        assertThat(snapshot.counts()).hasSize(5).containsEntry(0.001, 3L).containsEntry(Double.POSITIVE_INFINITY, 7L);
    }
}
