package io.chatpipe.webhooks.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BackoffTests {

    private final Backoff backoff = new Backoff(Duration.ofSeconds(1), 2.0, Duration.ofHours(1), 0.5);

    @Test
    void doublesFromTheInitialIntervalUpToTheMaximumLessUpToHalfAtRandom() {
        for (int i = 0; i < 200; i++) {
            assertThat(backoff.after(1)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
            assertThat(backoff.after(4)).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(8));
            assertThat(backoff.after(40)).isBetween(Duration.ofMinutes(30), Duration.ofHours(1));
        }
    }

    @Test
    void spreadsTheWaitsOfEndpointsThatFailedTogether() {
        assertThat(IntStream.range(0, 50).mapToObj(i -> backoff.after(10)).distinct().count())
                .isGreaterThan(10);
    }
}
