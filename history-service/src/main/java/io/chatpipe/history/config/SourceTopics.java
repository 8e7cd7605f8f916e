package io.chatpipe.history.config;

import io.chatpipe.events.Topics;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.TopicDescription;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.stereotype.Component;

/**
 * The topics history joins by conversation. They must have the same number of partitions: Kafka Streams pairs
 * partition n of each in one task, so with different counts a conversation's deliveries and read horizons would
 * land in another conversation's task, silently.
 */
@Component
class SourceTopics {

    private final KafkaAdmin kafkaAdmin;

    SourceTopics(KafkaAdmin kafkaAdmin) {
        this.kafkaAdmin = kafkaAdmin;
    }

    void requireCoPartitioned() {
        Map<String, Integer> partitions = new TreeMap<>();
        Map<String, TopicDescription> topics =
                kafkaAdmin.describeTopics(Topics.MESSAGES.name(), Topics.DELIVERIES.name(), Topics.READS.name());
        topics.forEach((name, description) -> partitions.put(name, description.partitions().size()));
        if (partitions.values().stream().distinct().count() > 1) {
            throw new IllegalStateException("History joins " + partitions.keySet()
                    + " by conversation, so they need the same number of partitions; they have " + partitions);
        }
    }
}
