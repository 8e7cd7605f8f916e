package io.chatpipe.webhooks.delivery;

import io.chatpipe.events.Topics;
import io.chatpipe.events.WebhookDelivery;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Puts an endpoint's dead letters back into its outbox, where they are sent afresh (a new retry window, the same
 * event ids and bodies). Reads {@code chat.webhooks.dlq} up to where it ends when the replay starts; a time range
 * limits it to the events given up within it.
 */
@Component
class DeadLetterReplay {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final KafkaProperties kafka;
    private final KafkaTemplate<String, WebhookDelivery> outboxes;

    DeadLetterReplay(KafkaProperties kafka, KafkaTemplate<String, WebhookDelivery> deliveryTemplate) {
        this.kafka = kafka;
        this.outboxes = deliveryTemplate;
    }

    /** @return how many events went back into the outbox */
    int replay(String endpointId, Instant from, Instant to)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<String, Object> config = kafka.buildConsumerProperties();
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "webhook-replay-" + UUID.randomUUID());
        var topic = Topics.WEBHOOK_DEAD_LETTERS;
        var outbox = Topics.webhookOutbox(endpointId);
        List<CompletableFuture<?>> writes = new ArrayList<>();
        try (var reader = new KafkaConsumer<>(config, topic.keys().deserializer(), topic.values().deserializer())) {
            List<TopicPartition> partitions = reader.partitionsFor(topic.name(), TIMEOUT).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            reader.assign(partitions);
            Map<TopicPartition, Long> ends = reader.endOffsets(partitions, TIMEOUT);
            seek(reader, partitions, from, ends);
            while (partitions.stream().anyMatch(partition -> reader.position(partition, TIMEOUT) < ends.get(partition))) {
                for (ConsumerRecord<String, WebhookDelivery> record : reader.poll(Duration.ofMillis(500))) {
                    WebhookDelivery dead = record.value();
                    if (dead == null || !endpointId.equals(record.key()) || record.offset() >= ends.get(
                            new TopicPartition(record.topic(), record.partition()))) {
                        continue;
                    }
                    Instant at = dead.deadAt() == null ? Instant.ofEpochMilli(record.timestamp()) : dead.deadAt();
                    if ((from == null || !at.isBefore(from)) && (to == null || at.isBefore(to))) {
                        writes.add(outboxes.send(outbox.name(), dead.conversationId(), dead.replayed()));
                    }
                }
            }
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        return writes.size();
    }

    private static void seek(KafkaConsumer<String, WebhookDelivery> reader, List<TopicPartition> partitions,
            Instant from, Map<TopicPartition, Long> ends) {
        if (from == null) {
            reader.seekToBeginning(partitions);
            return;
        }
        Map<TopicPartition, Long> times = new HashMap<>();
        partitions.forEach(partition -> times.put(partition, from.toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> found = reader.offsetsForTimes(times, TIMEOUT);
        for (TopicPartition partition : partitions) {
            OffsetAndTimestamp first = found.get(partition);
            reader.seek(partition, first == null ? ends.get(partition) : first.offset());
        }
    }
}
