package io.chatpipe.events;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * How one topic is created: what {@link TopicCatalogue} gives every service that creates it.
 *
 * @param partitions        number of partitions
 * @param replicas          replication factor
 * @param minInsyncReplicas {@code min.insync.replicas}: how many replicas must have a record before an
 *                          {@code acks=all} producer is told it is written
 * @param retention         how long records are kept; negative keeps them forever (not used when compacted)
 * @param compacted         whether the latest record of each key is kept instead of records for a time
 */
public record TopicSettings(int partitions, short replicas, int minInsyncReplicas, Duration retention,
        boolean compacted) {

    public TopicSettings {
        if (partitions < 1 || replicas < 1 || minInsyncReplicas < 1) {
            throw new IllegalArgumentException("partitions, replicas and min-insync-replicas must be at least 1, are "
                    + partitions + ", " + replicas + " and " + minInsyncReplicas);
        }
        if (retention.isZero()) {
            // a topic that keeps nothing: the idempotency window would be no window at all
            throw new IllegalArgumentException("retention must be longer than 0, or forever");
        }
        if (minInsyncReplicas > replicas) {
            throw new IllegalArgumentException("min-insync-replicas (" + minInsyncReplicas
                    + ") cannot exceed replicas (" + replicas + "): no write would ever be acknowledged");
        }
    }

    /** Whether records are kept until deleted by hand (not by time). */
    public boolean keptForever() {
        return compacted || retention.isNegative();
    }

    /** The topic's configuration as Kafka names it. */
    public Map<String, String> configs() {
        Map<String, String> configs = new HashMap<>();
        configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(minInsyncReplicas));
        if (compacted) {
            configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        } else {
            configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
            configs.put(TopicConfig.RETENTION_MS_CONFIG, retention.isNegative() ? "-1"
                    : Long.toString(retention.toMillis()));
        }
        return configs;
    }

    /** The topic of this name with these settings, for an admin client (or Spring's {@code KafkaAdmin}) to create. */
    public NewTopic newTopic(String name) {
        return new NewTopic(name, partitions, replicas).configs(configs());
    }
}
