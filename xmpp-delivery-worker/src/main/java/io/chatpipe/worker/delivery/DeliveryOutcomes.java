package io.chatpipe.worker.delivery;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.DeliveryAttempted;
import io.chatpipe.events.DeliveryAttempted.Outcome;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.RetryListener;
import org.springframework.kafka.support.SendResult;
import org.springframework.stereotype.Component;

/**
 * Records every delivery attempt's outcome in {@code chat.deliveries}: accepted, retrying (attempt
 * n), failed. As the error handler's retry listener it sees every failed attempt, and logs it: this
 * is where transient failures are handled.
 */
@Component
public class DeliveryOutcomes implements RetryListener {

    private static final Logger log = LoggerFactory.getLogger(DeliveryOutcomes.class);

    private final KafkaTemplate<ConversationId, DeliveryAttempted> deliveries;

    private final String backend;

    private final Map<Outcome, Counter> counters = new EnumMap<>(Outcome.class);

    /** The attempt a permanent failure happened on, until the dead-letter recoverer records it. */
    private final Map<String, Integer> failedAttempts = new ConcurrentHashMap<>();

    DeliveryOutcomes(KafkaTemplate<ConversationId, DeliveryAttempted> deliveries, DeliveryBackend backend,
                     MeterRegistry meters) {
        this.deliveries = deliveries;
        this.backend = backend.name();
        for (Outcome outcome : Outcome.values()) {
            counters.put(outcome, Counter.builder("chatpipe.worker.deliveries")
                    .description("Delivery attempts by outcome")
                    .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
                    .tag("backend", this.backend)
                    .register(meters));
        }
    }

    /** The server took the message; returns once chat.deliveries has the outcome. */
    void accepted(MessageAccepted message, int attempt) {
        record(message, attempt, Outcome.ACCEPTED, null).join();
    }

    /** The message went to the dead-letter topic; returns once chat.deliveries has the outcome. */
    void failed(ConsumerRecord<?, ?> record, MessageAccepted message, String reason) {
        Integer attempt = failedAttempts.remove(position(record));
        record(message, attempt == null ? 1 : attempt, Outcome.FAILED, reason).join();
    }

    @Override
    public void failedDelivery(ConsumerRecord<?, ?> record, Exception failure, int attempt) {
        if (DeliveryException.permanent(failure)) {
            if (record.value() instanceof MessageAccepted) {
                // the error handler hands the record to the dead-letter recoverer right after this
                failedAttempts.put(position(record), attempt);
            }
            return;
        }
        String reason = DeliveryException.reason(failure);
        if (!(record.value() instanceof MessageAccepted message)) {
            log.warn("Record {} failed (attempt {}), retrying: {}", position(record), attempt, reason);
            return;
        }
        if (refusesTheWorker(failure)) {
            // nothing wrong with the message: the worker's own access needs an operator
            log.error("Delivery of {} refused (attempt {}), retrying until the configuration is fixed: {}",
                    message.messageId(), attempt, reason);
        } else {
            log.warn("Delivery of {} failed (attempt {}), retrying: {}", message.messageId(), attempt, reason);
        }
        // not awaited: the record is not acknowledged after this, and the producer keeps the order
        record(message, attempt, Outcome.RETRYING, reason).whenComplete((sent, error) -> {
            if (error != null) {
                log.warn("Could not record attempt {} of {} as retrying: {}", attempt, message.messageId(),
                        error.toString());
            }
        });
    }

    private CompletableFuture<SendResult<ConversationId, DeliveryAttempted>> record(
            MessageAccepted message, int attempt, Outcome outcome, String error) {
        counters.get(outcome).increment();
        DeliveryAttempted attempted = DeliveryAttempted.of(message, attempt, outcome, backend, error, Instant.now());
        return deliveries.send(Topics.DELIVERIES.name(), message.conversationId(), attempted);
    }

    private static boolean refusesTheWorker(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof DeliveryException.Auth) {
                return true;
            }
        }
        return false;
    }

    static String position(ConsumerRecord<?, ?> record) {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }
}
