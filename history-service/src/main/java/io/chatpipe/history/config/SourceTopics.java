package io.chatpipe.history.config;

import io.chatpipe.events.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.KafkaException;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.stereotype.Component;

/**
 * The topics history joins by conversation. They must have the same number of partitions: Kafka Streams pairs
 * partition n of each in one task, so with different counts a conversation's deliveries and read horizons would
 * land in another conversation's task, silently, and an erasure would miss some conversations.
 */
@Component
class SourceTopics {

    private static final Logger log = LoggerFactory.getLogger(SourceTopics.class);

    static final List<String> NAMES = List.of(Topics.MESSAGES.name(), Topics.DELIVERIES.name(), Topics.READS.name(),
            Topics.ERASURES.name());

    private final KafkaAdmin kafkaAdmin;
    private final Duration wait;

    @Autowired
    SourceTopics(KafkaAdmin kafkaAdmin) {
        this(kafkaAdmin, Duration.ofSeconds(30));
    }

    SourceTopics(KafkaAdmin kafkaAdmin, Duration wait) {
        this.kafkaAdmin = kafkaAdmin;
        this.wait = wait;
    }

    void requireCoPartitioned() {
        Map<String, Integer> partitions = new TreeMap<>();
        describe().forEach((name, description) -> partitions.put(name, description.partitions().size()));
        if (partitions.values().stream().distinct().count() > 1) {
            throw new IllegalStateException("History joins " + partitions.keySet()
                    + " by conversation, so they need the same number of partitions; they have " + partitions);
        }
    }

    /**
     * The topics' descriptions. A topic just created (by this service or another starting at the same instant)
     * may not be known to every broker yet: asked again for a bounded while, then the failure stands.
     */
    private Map<String, TopicDescription> describe() {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            try {
                return kafkaAdmin.describeTopics(NAMES.toArray(String[]::new));
            } catch (KafkaException e) {
                if (!(rootCause(e) instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
                log.info("Waiting for the topics {} to be known: {}", NAMES, rootCause(e).getMessage());
                try {
                    Thread.sleep(500);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }
}
