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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;
import org.springframework.stereotype.Component;

/**
 * Records every delivery attempt's outcome in {@code chat.deliveries}: accepted, retrying (attempt
 * n), failed; and counts them by outcome.
 */
@Component
public class DeliveryOutcomes {

    private static final Logger log = LoggerFactory.getLogger(DeliveryOutcomes.class);

    private final KafkaTemplate<ConversationId, DeliveryAttempted> deliveries;

    private final String backend;

    private final Map<Outcome, Counter> counters = new EnumMap<>(Outcome.class);

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

    /** The server took each message (at its attempt); returns once chat.deliveries has all their outcomes. */
    void accepted(List<MessageAccepted> messages, List<Integer> attempts) {
        var written = new CompletableFuture<?>[messages.size()];
        for (int i = 0; i < written.length; i++) {
            written[i] = record(messages.get(i), attempts.get(i), Outcome.ACCEPTED, null);
        }
        CompletableFuture.allOf(written).join();
    }

    /** The message went to the dead-letter topic; returns once chat.deliveries has the outcome. */
    void failed(MessageAccepted message, int attempt, String reason) {
        record(message, attempt, Outcome.FAILED, reason).join();
    }

    /**
     * Another attempt follows. Not awaited: the message is not done with, and the producer keeps the
     * order of its outcomes.
     */
    void retrying(MessageAccepted message, int attempt, String reason) {
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
}
