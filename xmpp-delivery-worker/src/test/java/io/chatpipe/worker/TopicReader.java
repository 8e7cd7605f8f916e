package io.chatpipe.worker;

import io.chatpipe.events.DeliveryAttempted;
import io.chatpipe.events.Topic;
import io.chatpipe.events.Topics;
import io.chatpipe.testsupport.KafkaBroker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Reads a topic from its beginning, as anyone checking what the worker wrote would. */
final class TopicReader {

    private TopicReader() {
    }

    /**
     * The records matching {@code match}, in the order read, once {@code enough} says they are
     * enough; fails when that does not happen in time.
     */
    static <K, V> List<ConsumerRecord<K, V>> await(Topic<K, V> topic, Predicate<ConsumerRecord<K, V>> match,
                                                   Predicate<List<ConsumerRecord<K, V>>> enough, Duration timeout) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers());
        try (var consumer = new KafkaConsumer<>(config, topic.keys().deserializer(), topic.values().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<K, V>> matched = new ArrayList<>();
            Instant deadline = Instant.now().plus(timeout);
            while (Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<K, V> record : consumer.poll(Duration.ofMillis(200))) {
                    if (match.test(record)) {
                        matched.add(record);
                    }
                }
                if (enough.test(matched)) {
                    return matched;
                }
            }
            throw new AssertionError("in " + timeout + ", " + topic.name() + " had only " + matched.size()
                    + " matching records: " + matched.stream().map(ConsumerRecord::value).toList());
        }
    }

    /** Every record matching, from the beginning to the end the topic has now. */
    static <K, V> List<ConsumerRecord<K, V>> readAll(Topic<K, V> topic, Predicate<ConsumerRecord<K, V>> match) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers());
        try (var consumer = new KafkaConsumer<>(config, topic.keys().deserializer(), topic.values().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<ConsumerRecord<K, V>> matched = new ArrayList<>();
            while (ends.entrySet().stream().anyMatch(end -> consumer.position(end.getKey()) < end.getValue())) {
                for (ConsumerRecord<K, V> record : consumer.poll(Duration.ofMillis(200))) {
                    if (match.test(record)) {
                        matched.add(record);
                    }
                }
            }
            return matched;
        }
    }

    /**
     * Each message's delivery attempts in chat.deliveries (the archive's evidence left out), as "OUTCOME attempt"
     * in the order written, once there are {@code acceptedEach} ACCEPTED outcomes for each of the ids.
     */
    static Map<String, List<String>> attempts(Collection<String> ids, int acceptedEach, Duration timeout) {
        Set<String> wanted = Set.copyOf(ids);
        List<DeliveryAttempted> found = await(Topics.DELIVERIES,
                r -> wanted.contains(r.value().messageId().toString()) && !r.value().outcome().evidence(),
                all -> all.stream().filter(r -> r.value().outcome() == DeliveryAttempted.Outcome.ACCEPTED).count()
                        >= (long) acceptedEach * wanted.size(),
                timeout).stream().map(ConsumerRecord::value).toList();
        return found.stream().collect(Collectors.groupingBy(d -> d.messageId().toString(),
                Collectors.mapping(d -> d.outcome() + " " + d.attempt(), Collectors.toList())));
    }

    /** The first record matching, waiting for it. */
    static <K, V> ConsumerRecord<K, V> awaitOne(Topic<K, V> topic, Predicate<ConsumerRecord<K, V>> match) {
        return await(topic, match, found -> !found.isEmpty(), RunningWorker.DELIVERY_TIMEOUT).getFirst();
    }
}
