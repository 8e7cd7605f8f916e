package io.chatpipe.webhooks.delivery;

import io.chatpipe.events.Topics;
import io.chatpipe.events.WebhookDelivery;
import io.chatpipe.events.WebhookEndpoint;
import io.chatpipe.events.WebhookEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Queues for one endpoint, again, every event it hears that was written to {@code chat.messages} and
 * {@code chat.deliveries} in a time range (before it was registered too): for an integrator that lost what it had
 * received, or subscribed late. The same records make the same event ids, so a receiver that de-duplicates sees
 * only what it had not seen.
 */
@Component
class EventReplay {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final KafkaProperties kafka;
    private final KafkaTemplate<String, WebhookDelivery> outboxes;

    EventReplay(KafkaProperties kafka, KafkaTemplate<String, WebhookDelivery> deliveryTemplate) {
        this.kafka = kafka;
        this.outboxes = deliveryTemplate;
    }

    /** @return how many events went into the outbox */
    int replay(WebhookEndpoint endpoint, Instant from, Instant to)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<String, Object> config = kafka.buildConsumerProperties();
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "webhook-event-replay-" + UUID.randomUUID());
        List<CompletableFuture<?>> writes = new ArrayList<>();
        try (var reader = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(Topics.MESSAGES.name(), Topics.DELIVERIES.name())) {
                reader.partitionsFor(topic, TIMEOUT).forEach(info ->
                        partitions.add(new TopicPartition(info.topic(), info.partition())));
            }
            reader.assign(partitions);
            Map<TopicPartition, Long> ends = reader.endOffsets(partitions, TIMEOUT);
            Map<TopicPartition, Long> starts = offsetsAt(reader, partitions, from, ends);
            Map<TopicPartition, Long> stops = to == null ? ends : offsetsAt(reader, partitions, to, ends);
            starts.forEach(reader::seek);
            while (partitions.stream().anyMatch(partition -> reader.position(partition, TIMEOUT) < stops.get(partition))) {
                for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(500))) {
                    if (record.offset() >= stops.get(new TopicPartition(record.topic(), record.partition()))) {
                        continue;
                    }
                    Optional<WebhookEvent> event = FanOut.read(record);
                    if (event.isPresent() && event.get().isFor(endpoint)) {
                        writes.add(outboxes.send(endpoint.outbox().name(), event.get().conversationId(),
                                WebhookDelivery.queued(endpoint.id(), event.get())));
                    }
                }
            }
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        return writes.size();
    }

    /** Each partition's first offset written at or after the instant, or its end when there is none. */
    private static Map<TopicPartition, Long> offsetsAt(KafkaConsumer<byte[], byte[]> reader,
            List<TopicPartition> partitions, Instant at, Map<TopicPartition, Long> ends) {
        Map<TopicPartition, Long> times = new HashMap<>();
        partitions.forEach(partition -> times.put(partition, at.toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> found = reader.offsetsForTimes(times, TIMEOUT);
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (TopicPartition partition : partitions) {
            OffsetAndTimestamp first = found.get(partition);
            offsets.put(partition, first == null ? ends.get(partition) : first.offset());
        }
        return offsets;
    }
}
