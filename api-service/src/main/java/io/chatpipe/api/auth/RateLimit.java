package io.chatpipe.api.auth;

import io.chatpipe.api.config.ApiProperties;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import jakarta.servlet.http.HttpServletResponse;
import java.util.concurrent.TimeUnit;
import org.springframework.http.HttpHeaders;

/**
 * One API key's token bucket (Bucket4j): each message takes a token; {@code messages} tokens at most,
 * refilled evenly over {@code per}. Its state is told in every answer to the key's requests:
 * {@code X-RateLimit-Limit} (the bucket's size), {@code X-RateLimit-Remaining} (tokens left) and
 * {@code X-RateLimit-Reset} (seconds until the bucket is full again).
 */
final class RateLimit {

    static final String LIMIT = "X-RateLimit-Limit";
    static final String REMAINING = "X-RateLimit-Remaining";
    static final String RESET = "X-RateLimit-Reset";

    private final long capacity;
    private final Bucket bucket;

    RateLimit(ApiProperties.RateLimit settings) {
        this.capacity = settings.messages();
        this.bucket = Bucket.builder()
                .addLimit(limit -> limit.capacity(settings.messages()).refillGreedy(settings.messages(), settings.per()))
                .build();
    }

    /** Takes one token for a request, or says how long to wait for it. */
    ConsumptionProbe takeOne() {
        return bucket.tryConsumeAndReturnRemaining(1);
    }

    /** Takes as many of {@code wanted} tokens as there are; returns how many it took. */
    long takeUpTo(long wanted) {
        return wanted <= 0 ? 0 : bucket.tryConsumeAsMuchAsPossible(wanted);
    }

    /** Seconds until one more token is there (at least 1, as {@code Retry-After} wants a whole number). */
    long secondsUntilNextToken() {
        return seconds(bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill());
    }

    void writeHeaders(HttpServletResponse response) {
        response.setHeader(LIMIT, String.valueOf(capacity));
        response.setHeader(REMAINING, String.valueOf(bucket.getAvailableTokens()));
        response.setHeader(RESET, String.valueOf(secondsUntilFull()));
    }

    void writeHeaders(HttpHeaders headers, ConsumptionProbe refused) {
        headers.set(LIMIT, String.valueOf(capacity));
        headers.set(REMAINING, String.valueOf(refused.getRemainingTokens()));
        headers.set(RESET, String.valueOf(seconds(refused.getNanosToWaitForReset())));
        headers.set(HttpHeaders.RETRY_AFTER, String.valueOf(Math.max(1, seconds(refused.getNanosToWaitForRefill()))));
    }

    private long secondsUntilFull() {
        long missing = capacity - bucket.getAvailableTokens();
        return missing <= 0 ? 0 : seconds(bucket.estimateAbilityToConsume(capacity).getNanosToWaitForRefill());
    }

    /** Whole seconds, rounded up. */
    private static long seconds(long nanos) {
        return nanos <= 0 ? 0 : (nanos + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1);
    }
}
