package io.chatpipe.webhooks.delivery;

import io.chatpipe.events.DeliveryAttempted;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.Topics;
import io.chatpipe.events.WebhookDelivery;
import io.chatpipe.events.WebhookEndpoint;
import io.chatpipe.events.WebhookEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Turns {@code chat.messages} and {@code chat.deliveries} into webhook events and queues each in the outbox of every
 * endpoint that hears it. A batch is committed only after all its outbox writes are acknowledged (else it is read
 * again, with the same event ids), so nothing between the chat's topics and the outboxes is lost.
 */
@Component
class FanOut {

    private static final Logger log = LoggerFactory.getLogger(FanOut.class);

    private final EndpointBook endpoints;
    private final KafkaTemplate<String, WebhookDelivery> outboxes;

    FanOut(EndpointBook endpoints, KafkaTemplate<String, WebhookDelivery> deliveryTemplate) {
        this.endpoints = endpoints;
        this.outboxes = deliveryTemplate;
    }

    @KafkaListener(id = EndpointBook.FAN_OUT, containerFactory = "fanOutContainerFactory",
            topics = {"chat.messages", "chat.deliveries"})
    void fanOut(List<ConsumerRecord<byte[], byte[]>> records)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (!endpoints.awaitCaughtUp(Duration.ofSeconds(30))) {
            throw new TimeoutException("the webhook endpoints could not be read up to date; the batch is read again");
        }
        if (endpoints.all().isEmpty()) {
            return;   // no endpoint: no event to make
        }
        List<CompletableFuture<?>> writes = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            Optional<WebhookEvent> event = read(record);
            if (event.isEmpty()) {
                continue;
            }
            for (WebhookEndpoint endpoint : endpoints.all()) {
                // an endpoint hears what was written after it was registered
                if (record.timestamp() >= endpoint.createdAt().toEpochMilli() && event.get().isFor(endpoint)) {
                    writes.add(outboxes.send(endpoint.outbox().name(), event.get().conversationId(),
                            WebhookDelivery.queued(endpoint.id(), event.get())));
                }
            }
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    }

    /** The webhook event a record of chat.messages or chat.deliveries makes, if any (a record it cannot read makes none). */
    static Optional<WebhookEvent> read(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            return Optional.empty();
        }
        try {
            if (record.topic().equals(Topics.MESSAGES.name())) {
                MessageAccepted message = Topics.MESSAGES.values().deserializer().deserialize(record.topic(), record.value());
                return Optional.of(WebhookEvent.of(message));
            }
            DeliveryAttempted report = Topics.DELIVERIES.values().deserializer().deserialize(record.topic(), record.value());
            return WebhookEvent.of(report);
        } catch (RuntimeException e) {
            log.warn("Skipped unreadable record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                    e.toString());
            return Optional.empty();
        }
    }
}
