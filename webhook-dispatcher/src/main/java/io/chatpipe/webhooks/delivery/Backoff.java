package io.chatpipe.webhooks.delivery;

import io.chatpipe.webhooks.config.DispatcherProperties;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** The wait after a failed attempt: exponential up to a maximum, less a random part so endpoints' retries spread. */
record Backoff(Duration initial, double multiplier, Duration max, double jitter) {

    static Backoff of(DispatcherProperties.Retry retry) {
        return new Backoff(retry.initialInterval(), retry.multiplier(), retry.maxInterval(), retry.jitter());
    }

    /** After attempt {@code attempt} (1 for the first) failed. */
    Duration after(int attempt) {
        double exponential = initial.toMillis() * Math.pow(multiplier, Math.max(0, attempt - 1));
        double capped = Math.min(exponential, max.toMillis());
        double factor = 1 - jitter * ThreadLocalRandom.current().nextDouble();
        return Duration.ofMillis(Math.max(1, Math.round(capped * factor)));
    }
}
