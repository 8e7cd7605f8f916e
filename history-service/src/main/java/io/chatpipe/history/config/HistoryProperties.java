package io.chatpipe.history.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * history-service settings, prefix {@code chatpipe.history}.
 *
 * @param streams the Kafka Streams application that materializes the history
 * @param topics  how the topics history reads and writes are created when history-service is the first to
 *                need them
 * @param query   limits of the query API
 * @param audit   the audit read straight from {@code chat.messages}
 */
@Validated
@ConfigurationProperties("chatpipe.history")
public record HistoryProperties(
        @Valid @DefaultValue Streams streams,
        @Valid @DefaultValue TopicDefaults topics,
        @Valid @DefaultValue Query query,
        @Valid @DefaultValue Audit audit) {

    /**
     * @param applicationId     Kafka Streams {@code application.id}: consumer group and prefix of internal topics;
     *                          every instance of one history shares it
     * @param stateDir          where the RocksDB stores live; each instance needs its own
     * @param replicationFactor replication of the changelog and repartition topics Kafka Streams creates
     * @param applicationServer {@code host:port} at which the other instances reach this one's REST API
     *                          (Kafka Streams {@code application.server}); empty means server.address and the
     *                          port the web server actually listens on
     * @param standbyReplicas   warm copies of each store on other instances, for a faster fail-over
     * @param rebuild           on start, reset the application (consumer group, changelog and repartition topics)
     *                          and wipe local state, so that the stores are rebuilt from the topics; refused while
     *                          any instance of the application runs
     */
    public record Streams(
            @DefaultValue("chatpipe-history") @NotBlank String applicationId,
            @DefaultValue(".data/history-service") @NotNull Path stateDir,
            @DefaultValue("1") @Min(1) short replicationFactor,
            @DefaultValue("") @Pattern(regexp = "|[^:\\s]+:\\d{1,5}") String applicationServer,
            @DefaultValue("0") @Min(0) int standbyReplicas,
            @DefaultValue("false") boolean rebuild) {
    }

    /**
     * @param partitions       partitions of chat.messages, chat.deliveries and chat.reads if they do not exist yet;
     *                         the three must have the same number, as history joins them by conversation
     * @param replicas         their replication factor
     * @param messageRetention retention of chat.messages; negative keeps messages forever, which replay and audit
     *                         want
     * @param readRetention    retention of chat.reads; negative keeps read horizons forever, so that a rebuild
     *                         restores unread counts
     */
    public record TopicDefaults(
            @DefaultValue("4") @Min(1) int partitions,
            @DefaultValue("1") @Min(1) short replicas,
            @DefaultValue("-1ms") @NotNull Duration messageRetention,
            @DefaultValue("-1ms") @NotNull Duration readRetention) {
    }

    /**
     * @param defaultLimit   messages in a page when the client names no limit
     * @param maxLimit       most messages one page may hold; a larger limit is refused with 400
     * @param retryAfter     what a 503 tells the client to wait while the stores are not ready
     * @param forwardTimeout how long a query forwarded to the instance that owns its key may take
     */
    public record Query(
            @DefaultValue("50") @Min(1) int defaultLimit,
            @DefaultValue("200") @Min(1) @Max(10_000) int maxLimit,
            @DefaultValue("1s") @NotNull Duration retryAfter,
            @DefaultValue("5s") @NotNull Duration forwardTimeout) {
    }

    /**
     * @param clockSkew how far a record's Kafka timestamp may stray from the message's acceptedAt: the audit starts
     *                  reading this much before {@code from} and filters by acceptedAt
     * @param stallTimeout how long the audit waits for a partition that stops returning records before it ends
     *                     the stream
     */
    public record Audit(
            @DefaultValue("1m") @NotNull Duration clockSkew,
            @DefaultValue("30s") @NotNull Duration stallTimeout) {
    }
}
