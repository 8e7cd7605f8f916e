package io.chatpipe.api.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The api-service's own settings, under {@code chatpipe.api}. Kafka connection settings stay in
 * Spring Boot's {@code spring.kafka.*}.
 */
@Validated
@ConfigurationProperties("chatpipe.api")
public record ApiProperties(
        @Valid @DefaultValue Messages messages,
        @Valid @DefaultValue Publish publish,
        @Valid @DefaultValue Limits limits) {

    /**
     * The {@code chat.messages} topic as this service declares it (created when absent).
     *
     * @param retention how long the broker keeps messages; negative (the default, -1) keeps them forever,
     *                  so that history can be rebuilt and audited
     */
    public record Messages(
            @DefaultValue("4") @Min(1) int partitions,
            @DefaultValue("1") @Min(1) @Max(Short.MAX_VALUE) int replicas,
            @DefaultValue("-1") Duration retention) {

        /** The topic's {@code retention.ms}. */
        public long retentionMs() {
            return retention.isNegative() ? -1 : retention.toMillis();
        }
    }

    /**
     * How long a request may wait on Kafka before it is answered 503: together these bound every request.
     *
     * @param maxBlock        longest wait for topic metadata or buffer space ({@code max.block.ms})
     * @param deliveryTimeout longest wait for the broker's acknowledgement, retries included
     *                        ({@code delivery.timeout.ms})
     * @param retryAfter      what the {@code Retry-After} header of a 503 tells the client
     */
    public record Publish(
            @DefaultValue("3s") Duration maxBlock,
            @DefaultValue("5s") Duration deliveryTimeout,
            @DefaultValue("5s") Duration retryAfter) {

        public Publish {
            requirePositive("max-block", maxBlock);
            requirePositive("delivery-timeout", deliveryTimeout);
            requirePositive("retry-after", retryAfter);
        }

        /** How long a request waits for the acknowledgement after the send: the producer's deadline, and a margin. */
        public Duration acknowledgementTimeout() {
            return deliveryTimeout.plusSeconds(1);
        }

        private static void requirePositive(String name, Duration value) {
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("chatpipe.api.publish." + name + " must be positive");
            }
        }
    }

    /** @param maxRequestBody a larger request body is refused with 413 before it is read */
    public record Limits(@DefaultValue("1MB") DataSize maxRequestBody) {
    }
}
