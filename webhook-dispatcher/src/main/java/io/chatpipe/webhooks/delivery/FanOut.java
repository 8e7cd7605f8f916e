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
 * again, with the same event ids), so nothing between the chat's topics and the outboxes is lost. A status that
 * does not move its message on for an endpoint is not queued ({@link StatusProgress}).
 */
@Component
class FanOut {

    private static final Logger log = LoggerFactory.getLogger(FanOut.class);

    private final EndpointBook endpoints;
    private final KafkaTemplate<String, WebhookDelivery> outboxes;
    private final StatusProgress statuses = new StatusProgress();

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
        StatusProgress.Batch progress = statuses.batch();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            Optional<Made> made = make(record);
            if (made.isEmpty()) {
                continue;
            }
            WebhookEvent event = made.get().event();
            DeliveryAttempted report = made.get().report();
            for (WebhookEndpoint endpoint : endpoints.all()) {
                // an endpoint hears what was written after it was registered
                if (record.timestamp() >= endpoint.createdAt().toEpochMilli() && event.isFor(endpoint)
                        && (report == null || progress.movesOn(endpoint.id(), report))) {
                    writes.add(outboxes.send(endpoint.outbox().name(), event.conversationId(),
                            WebhookDelivery.queued(endpoint.id(), event)));
                }
            }
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        progress.commit();
    }

    /** The webhook event a record of chat.messages or chat.deliveries makes, if any (a record it cannot read makes none). */
    static Optional<WebhookEvent> read(ConsumerRecord<byte[], byte[]> record) {
        return make(record).map(Made::event);
    }

    /** An event, and the delivery report it was made of (null for a message). */
    private record Made(WebhookEvent event, DeliveryAttempted report) {
    }

    private static Optional<Made> make(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            return Optional.empty();
        }
        try {
            if (record.topic().equals(Topics.MESSAGES.name())) {
                MessageAccepted message = Topics.MESSAGES.values().deserializer().deserialize(record.topic(), record.value());
                return Optional.of(new Made(WebhookEvent.of(message), null));
            }
            DeliveryAttempted report = Topics.DELIVERIES.values().deserializer().deserialize(record.topic(), record.value());
            return WebhookEvent.of(report).map(event -> new Made(event, report));
        } catch (RuntimeException e) {
            log.warn("Skipped unreadable record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                    e.toString());
            return Optional.empty();
        }
    }
}
