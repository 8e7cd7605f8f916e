package io.chatpipe.testsupport;

import io.chatpipe.events.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** What a topic of the test broker holds now, read from its beginning to where it ends when asked. */
public final class TopicContents {

    private TopicContents() {
    }

    /** Every value written under this key, in order; a tombstone is a null. */
    public static <K, V> List<V> valuesUnder(Topic<K, V> topic, K key) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers());
        List<V> found = new ArrayList<>();
        try (var reader = new KafkaConsumer<>(config, topic.keys().deserializer(), topic.values().deserializer())) {
            var partitions = reader.partitionsFor(topic.name(), Duration.ofSeconds(10)).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            reader.assign(partitions);
            reader.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = reader.endOffsets(partitions);
            while (partitions.stream().anyMatch(partition -> reader.position(partition) < ends.get(partition))) {
                reader.poll(Duration.ofMillis(200)).forEach(record -> {
                    if (Objects.equals(key, record.key())) {
                        found.add(record.value());
                    }
                });
            }
        }
        return found;
    }
}
