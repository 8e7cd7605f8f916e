package io.chatpipe.worker.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Everything the delivery worker can be told, under {@code chatpipe.worker}. The defaults match
 * {@code ./chatpipe run}: ejabberd on loopback, domain {@code localhost}.
 *
 * @param xmppDomain the XMPP domain users are created on and addressed at
 */
@Validated
@ConfigurationProperties("chatpipe.worker")
public record WorkerProperties(
        @DefaultValue("localhost") @NotBlank String xmppDomain,
        @DefaultValue @Valid Ejabberd ejabberd,
        @DefaultValue @Valid Retry retry,
        @DefaultValue @Valid Consumer consumer,
        @DefaultValue @Valid Users users,
        @DefaultValue @Valid Topics topics) {

    /**
     * ejabberd's admin API (mod_http_api).
     *
     * @param apiUrl         the base URL; each command is a POST to {@code {apiUrl}/{command}}
     * @param connectTimeout how long to wait for a connection
     * @param callTimeout    how long one command may take, connection included
     */
    public record Ejabberd(
            @DefaultValue("http://127.0.0.1:5280/api") @NotNull URI apiUrl,
            @DefaultValue("2s") @NotNull Duration connectTimeout,
            @DefaultValue("10s") @NotNull Duration callTimeout) {
    }

    /**
     * Backoff between attempts to deliver a message after a transient failure. Attempts go on
     * forever: the message waits, in order, until the server takes it.
     */
    public record Retry(
            @DefaultValue("500ms") @NotNull Duration initialInterval,
            @DefaultValue("2.0") @DecimalMin("1.0") double multiplier,
            @DefaultValue("30s") @NotNull Duration maxInterval) {
    }

    /**
     * @param groupId     the consumer group the worker instances share {@code chat.messages} in
     * @param concurrency consumer threads per instance; a partition whose message is being retried
     *                    holds up only the partitions its thread owns, so one per partition is best
     */
    public record Consumer(
            @DefaultValue("chatpipe-delivery") @NotBlank String groupId,
            @DefaultValue("4") @Min(1) int concurrency) {
    }

    /** @param cacheSize how many users an instance remembers as provisioned */
    public record Users(@DefaultValue("100000") @Min(1) int cacheSize) {
    }

    /** The topics the worker writes, created when absent. */
    public record Topics(
            @DefaultValue("4") @Min(1) int partitions,
            @DefaultValue("1") @Min(1) short replicas) {
    }
}
