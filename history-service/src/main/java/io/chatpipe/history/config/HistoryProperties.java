package io.chatpipe.history.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * history-service settings, prefix {@code chatpipe.history}.
 *
 * @param streams the Kafka Streams application that materializes the history
 * @param topics  how {@code chat.messages} is created when history-service is the first to need it
 * @param query   limits of the query API
 */
@Validated
@ConfigurationProperties("chatpipe.history")
public record HistoryProperties(
        @Valid @DefaultValue Streams streams,
        @Valid @DefaultValue TopicDefaults topics,
        @Valid @DefaultValue Query query) {

    /**
     * @param applicationId     Kafka Streams {@code application.id}: consumer group and prefix of internal topics
     * @param stateDir          where the RocksDB stores live; each instance needs its own
     * @param replicationFactor replication of the changelog topics Kafka Streams creates
     */
    public record Streams(
            @DefaultValue("chatpipe-history") @NotBlank String applicationId,
            @DefaultValue(".data/history-service") @NotNull Path stateDir,
            @DefaultValue("1") @Min(1) short replicationFactor) {
    }

    /**
     * @param partitions       partitions of {@code chat.messages} if it does not exist yet
     * @param replicas         its replication factor
     * @param messageRetention its retention; negative keeps messages forever, which replay and audit want
     */
    public record TopicDefaults(
            @DefaultValue("4") @Min(1) int partitions,
            @DefaultValue("1") @Min(1) short replicas,
            @DefaultValue("-1ms") @NotNull Duration messageRetention) {
    }

    /**
     * @param maxMessages most messages one answer holds: the newest ones, oldest first
     * @param retryAfter  what a 503 tells the client to wait while the stores are not ready
     */
    public record Query(
            @DefaultValue("1000") @Min(1) @Max(10_000) int maxMessages,
            @DefaultValue("1s") @NotNull Duration retryAfter) {
    }
}
