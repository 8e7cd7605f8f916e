package io.chatpipe.webhooks.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Everything the webhook dispatcher can be told, under {@code chatpipe.webhooks}.
 *
 * @param allowPrivateEndpoints whether endpoints may resolve to loopback, link-local or private addresses
 * @param stateInterval         how often changed endpoint states are written to {@code chat.webhooks.state}
 */
@Validated
@ConfigurationProperties("chatpipe.webhooks")
public record DispatcherProperties(
        @DefaultValue("false") boolean allowPrivateEndpoints,
        @DefaultValue @Valid Http http,
        @DefaultValue @Valid Retry retry,
        @DefaultValue @Valid Consumer consumer,
        @DefaultValue("1s") @NotNull Duration stateInterval) {

    /**
     * @param readTimeout from the request sent until the answer's status line and headers
     */
    public record Http(
            @DefaultValue("5s") @NotNull Duration connectTimeout,
            @DefaultValue("10s") @NotNull Duration readTimeout) {
    }

    /**
     * Exponential backoff with jitter, until {@code giveUpAfter} has passed since the event was queued.
     *
     * @param jitter each wait is between {@code 1 - jitter} and 1 times the exponential one
     */
    public record Retry(
            @DefaultValue("1s") @NotNull Duration initialInterval,
            @DefaultValue("2.0") @DecimalMin("1.0") double multiplier,
            @DefaultValue("1h") @NotNull Duration maxInterval,
            @DefaultValue("0.5") @DecimalMin("0.0") @DecimalMax("1.0") double jitter,
            @DefaultValue("3d") @NotNull Duration giveUpAfter) {
    }

    /**
     * @param groupId the fan-out's consumer group; each endpoint's sender is the group {@code <groupId>.<endpoint id>}
     */
    public record Consumer(
            @DefaultValue("chatpipe-webhooks") @NotBlank String groupId,
            @DefaultValue("10s") @NotNull Duration sessionTimeout) {
    }
}
