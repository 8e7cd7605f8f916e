package io.chatpipe.history.config;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.stereotype.Component;

/**
 * Consumers that read topics outside Kafka Streams (the audit, accounts, erasures, dead letters): assigned
 * partitions, no consumer group, nothing committed, committed transactions only.
 */
@Component
public class TopicReaders {

    private static final Duration POLL = Duration.ofMillis(200);

    private final Map<String, Object> config;
    private final Duration stallTimeout;

    TopicReaders(KafkaProperties kafka, KafkaConnectionDetails connection, HistoryProperties properties) {
        Map<String, Object> consumer = new HashMap<>(kafka.buildConsumerProperties());
        consumer.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, connection.getConsumer().getBootstrapServers());
        consumer.remove(ConsumerConfig.GROUP_ID_CONFIG);
        consumer.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumer.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.config = Map.copyOf(consumer);
        this.stallTimeout = properties.audit().stallTimeout();
    }

    public KafkaConsumer<byte[], byte[]> consumer(String clientId) {
        Map<String, Object> named = new HashMap<>(config);
        named.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        return new KafkaConsumer<>(named, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
    }

    /**
     * Hands every record of the topic, from its beginning up to its end when this starts, to {@code each}; a
     * topic that does not exist has none.
     *
     * @throws IllegalStateException if Kafka returns nothing for longer than the stall timeout
     */
    public void readToEnd(String topic, String clientId, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        try (var consumer = consumer(clientId)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long lastProgress = System.nanoTime();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                var records = consumer.poll(POLL);
                if (records.isEmpty() && System.nanoTime() - lastProgress > stallTimeout.toNanos()) {
                    throw new IllegalStateException(topic + " returned nothing for " + stallTimeout);
                }
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    lastProgress = System.nanoTime();
                    if (record.offset() < ends.get(new TopicPartition(record.topic(), record.partition()))) {
                        each.accept(record);
                    }
                }
            }
        }
    }
}
