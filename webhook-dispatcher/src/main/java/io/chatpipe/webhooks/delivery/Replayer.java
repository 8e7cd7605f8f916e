package io.chatpipe.webhooks.delivery;

import io.chatpipe.events.Topics;
import io.chatpipe.events.WebhookDelivery;
import io.chatpipe.events.WebhookEndpoint;
import io.chatpipe.events.WebhookEvent;
import io.chatpipe.kafka.TopicRange;
import io.chatpipe.kafka.TopicReplica;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Puts events back into an endpoint's outbox, where they are sent afresh (a new retry window) under their old ids:
 * its dead letters, or every event of its types and users written in a time range (before its registration too,
 * for an integrator that lost what it had received or subscribed late). Each reads its topics up to where they end
 * when the replay starts, or to the end of the range.
 */
@Component
class Replayer {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Map<String, Object> config;
    private final KafkaTemplate<String, WebhookDelivery> outboxes;

    Replayer(KafkaProperties kafka, KafkaConnectionDetails connection,
            KafkaTemplate<String, WebhookDelivery> deliveryTemplate) {
        this.config = TopicReplica.consumerConfig(kafka, connection);
        this.outboxes = deliveryTemplate;
    }

    /** The endpoint's dead letters given up in {@code [from, to)} (either end open when null); how many. */
    int deadLetters(String endpointId, Instant from, Instant to)
            throws InterruptedException, ExecutionException, TimeoutException {
        var topic = Topics.WEBHOOK_DEAD_LETTERS;
        String outbox = Topics.webhookOutbox(endpointId).name();
        // dead letters are written when given up, so the range of their record times is the range asked for
        return replay(List.of(topic.name()), from, to, (record, writes) -> {
            WebhookDelivery dead = topic.values().deserializer().deserialize(record.topic(), record.value());
            String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
            if (dead != null && endpointId.equals(key)) {
                writes.add(outboxes.send(outbox, dead.conversationId(), dead.replayed()));
            }
        });
    }

    /** Every event the endpoint hears written to chat.messages and chat.deliveries in {@code [from, to)}; how many. */
    int events(WebhookEndpoint endpoint, Instant from, Instant to)
            throws InterruptedException, ExecutionException, TimeoutException {
        return replay(List.of(Topics.MESSAGES.name(), Topics.DELIVERIES.name()), from, to, (record, writes) -> {
            Optional<WebhookEvent> event = FanOut.read(record);
            if (event.isPresent() && event.get().isFor(endpoint)) {
                writes.add(outboxes.send(endpoint.outbox().name(), event.get().conversationId(),
                        WebhookDelivery.queued(endpoint.id(), event.get())));
            }
        });
    }

    private int replay(List<String> topics, Instant from, Instant to,
            BiConsumer<ConsumerRecord<byte[], byte[]>, List<CompletableFuture<?>>> each)
            throws InterruptedException, ExecutionException, TimeoutException {
        List<CompletableFuture<?>> writes = new ArrayList<>();
        TopicRange.read("webhooks.replay", config, topics, from, to, TIMEOUT, record -> each.accept(record, writes));
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        return writes.size();
    }
}
