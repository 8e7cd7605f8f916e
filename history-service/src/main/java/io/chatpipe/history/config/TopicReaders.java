package io.chatpipe.history.config;

import io.chatpipe.events.Topic;
import io.chatpipe.kafka.TopicRange;
import io.chatpipe.kafka.TopicReplica;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.stereotype.Component;

/**
 * How history reads topics outside Kafka Streams (the audit, erasures, dead letters): assigned partitions, no
 * consumer group, nothing committed, committed transactions only.
 */
@Component
public class TopicReaders {

    private final Map<String, Object> config;
    private final Duration stallTimeout;

    TopicReaders(KafkaProperties kafka, KafkaConnectionDetails connection, HistoryProperties properties) {
        Map<String, Object> consumer = TopicReplica.consumerConfig(kafka, connection);
        consumer.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.config = Map.copyOf(consumer);
        this.stallTimeout = properties.audit().stallTimeout();
    }

    /**
     * Hands every record of the topic written in {@code [from, to)} (by record time), as far as it went when this
     * starts, to the sink, partition by partition in offset order; this returns when done.
     *
     * @throws org.apache.kafka.common.errors.TimeoutException if a partition returns nothing for longer than the
     *         stall timeout, or Kafka does not answer
     */
    public <E extends Exception> void readRange(Topic<?, ?> topic, String name, Instant from, Instant to,
            TopicRange.Sink<E> sink) throws E {
        TopicRange.read(name, config, List.of(topic.name()), from, to, stallTimeout, sink);
    }

    /**
     * Hands every readable record of the topic, from its beginning up to its end when this starts, to
     * {@code each} (on the reader's thread; this returns when done); a topic that does not exist has none.
     *
     * @throws org.apache.kafka.common.errors.TimeoutException if Kafka returns nothing for longer than the stall
     *         timeout
     */
    public <K, V> void readToEnd(Topic<K, V> topic, String name, Consumer<ConsumerRecord<K, V>> each) {
        TopicRange.read(name, config, topic, null, null, stallTimeout, each);
    }
}
