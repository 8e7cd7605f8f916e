package io.chatpipe.api.webhook;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The webhook subscriptions' settings, under {@code chatpipe.api.webhooks}.
 *
 * @param allowPrivateEndpoints whether endpoints may resolve to loopback, link-local or private addresses (the
 *                              local stack and the tests allow them; the dispatcher has the same setting)
 * @param requestTimeout        how long a change waits for Kafka, then 503
 */
@Validated
@ConfigurationProperties("chatpipe.api.webhooks")
record WebhookProperties(
        @DefaultValue("false") boolean allowPrivateEndpoints,
        @DefaultValue("10s") @NotNull Duration requestTimeout) {
}
