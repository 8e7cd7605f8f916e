package io.chatpipe.api.message;

import io.chatpipe.api.config.ApiProperties;
import io.chatpipe.events.ConversationId;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Takes valid messages into {@code chat.messages}, keyed by conversation, at once, and says what became of each:
 * accepted only once Kafka acknowledged it (acks=all, idempotent producer), refused with 503 otherwise, never both
 * and never a hang (every wait is bounded).
 *
 * <p>A message with a client message id goes through {@link IdempotencyLog}: the first request for a
 * sender's id claims it in {@code chat.idempotency}, writes the message, then marks it accepted (or
 * releases the claim when Kafka did not take the message). A retry, on any instance, gets the same
 * receipt without a second record; the same id with another body is a 409; a request that finds the id
 * claimed by a request still in flight waits for that one's outcome.
 */
@Component
public class MessageIntake {

    private static final Logger log = LoggerFactory.getLogger(MessageIntake.class);

    private final KafkaTemplate<ConversationId, MessageAccepted> template;
    private final IdempotencyLog idempotency;
    private final Duration acknowledgement;
    private final Duration retryAfter;

    MessageIntake(KafkaTemplate<ConversationId, MessageAccepted> template, IdempotencyLog idempotency,
            ApiProperties properties) {
        this.template = template;
        this.idempotency = idempotency;
        this.acknowledgement = properties.publish().acknowledgementTimeout();
        this.retryAfter = properties.publish().retryAfter();
    }

    public Outcome accept(MessageAccepted message) {
        var pending = new PendingMessage(message);
        accept(List.of(pending));
        return pending.outcome();
    }

    /** Settles every message; those that reach Kafka are written together, which the producer batches. */
    void accept(List<PendingMessage> messages) {
        List<PendingMessage> toPublish = new ArrayList<>();
        List<PendingMessage> toClaim = new ArrayList<>();
        for (PendingMessage pending : messages) {
            if (pending.claim() == null) {
                toPublish.add(pending);
            } else if (idempotency.state(pending.claim().key()) instanceof IdempotencyLog.Settled settled) {
                pending.settle(settled(pending, settled));
            } else {
                toClaim.add(pending);
            }
        }
        try {
            List<Waiting> waiting = new ArrayList<>();
            toPublish.addAll(claim(toClaim, waiting));
            publish(toPublish);
            awaitOtherHolders(waiting);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            messages.forEach(pending -> pending.settle(notStored(e)));
        }
    }

    /** A message whose client message id another request holds, and that request's claim. */
    private record Waiting(PendingMessage pending, UUID holder) {
    }

    /**
     * Writes the claims, reads the topic up to them, and settles each message by what the topic then says.
     *
     * @return the messages whose claim holds their key: theirs to publish
     */
    private List<PendingMessage> claim(List<PendingMessage> toClaim, List<Waiting> waiting)
            throws InterruptedException {
        if (toClaim.isEmpty()) {
            return List.of();
        }
        Map<Integer, Long> readUpTo = new HashMap<>();
        List<PendingMessage> written = new ArrayList<>();
        eachAck(toClaim, idempotency.write(toClaim.stream().map(PendingMessage::claim).toList()), (pending, ack) -> {
            if (ack.stored()) {
                readUpTo.merge(ack.metadata().partition(), ack.metadata().offset(), Math::max);
                written.add(pending);
            } else {
                pending.settle(notStored(ack.failure()));
            }
        });
        if (written.isEmpty()) {
            return List.of();
        }
        if (!idempotency.awaitRead(readUpTo, System.nanoTime() + idempotency.readTimeout().toNanos())) {
            var late = new TimeoutException("this instance did not read " + IdempotencyConfiguration.TOPIC
                    + " up to its own claims in time");
            written.forEach(pending -> pending.settle(notStored(late)));
            record(written.stream().map(pending -> pending.claim().released()).toList());
            return List.of();
        }
        List<PendingMessage> holding = new ArrayList<>();
        for (PendingMessage pending : written) {
            IdempotencyEvent claim = pending.claim();
            switch (idempotency.state(claim.key())) {
                case IdempotencyLog.Settled settled -> pending.settle(settled(pending, settled));
                case IdempotencyLog.Held other when other.claim().equals(claim.claim()) -> holding.add(pending);
                case IdempotencyLog.Held other when !other.bodySha256().equals(claim.bodySha256()) ->
                        pending.settle(conflict(pending));
                case IdempotencyLog.Held other -> waiting.add(new Waiting(pending, other.claim()));
                case null -> pending.settle(inProgress());
            }
        }
        return holding;
    }

    private void publish(List<PendingMessage> toPublish) {
        if (toPublish.isEmpty()) {
            return;
        }
        List<ProducerRecord<ConversationId, MessageAccepted>> records = toPublish.stream()
                .map(pending -> new ProducerRecord<>(Topics.MESSAGES.name(), pending.message().conversationId(),
                        pending.message()))
                .toList();
        List<IdempotencyEvent> outcomesOfClaims = new ArrayList<>();
        eachAck(toPublish, KafkaWriter.writeAll(template, records, acknowledgement), (pending, ack) -> {
            pending.settle(ack.stored()
                    ? new Outcome.Accepted(MessageReceipt.of(pending.message()), false)
                    : notStored(ack.failure()));
            // a message with a claim got here holding it
            if (pending.claim() != null) {
                outcomesOfClaims.add(ack.stored() ? pending.claim().accepted() : pending.claim().released());
            }
        });
        record(outcomesOfClaims);
    }

    /** Duplicates of a message that another request is storing get that request's outcome. */
    private void awaitOtherHolders(List<Waiting> waiting) throws InterruptedException {
        if (waiting.isEmpty()) {
            return;
        }
        Map<String, UUID> holders = new HashMap<>();
        waiting.forEach(wait -> holders.put(wait.pending().claim().key(), wait.holder()));
        idempotency.awaitRelease(holders, System.nanoTime() + idempotency.readTimeout().toNanos());
        for (Waiting wait : waiting) {
            PendingMessage pending = wait.pending();
            pending.settle(idempotency.state(pending.claim().key()) instanceof IdempotencyLog.Settled settled
                    ? settled(pending, settled)
                    : inProgress());
        }
    }

    /**
     * Writes what became of this call's claims. The client's answer does not depend on it: the message
     * is in Kafka or not either way. When it cannot be written, a retry waits out the claim and may then
     * store a second copy (with the same message id, which history de-duplicates).
     */
    private void record(List<IdempotencyEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        List<KafkaWriter.Ack> acks = idempotency.write(events);
        long failed = acks.stream().filter(ack -> !ack.stored()).count();
        if (failed > 0) {
            log.warn("Could not record the outcome of {} of {} client message ids in {}: {}", failed,
                    events.size(), IdempotencyConfiguration.TOPIC,
                    acks.stream().filter(ack -> !ack.stored()).findFirst().orElseThrow().failure().toString());
        }
    }

    /** Each message with the acknowledgement of its record: KafkaWriter answers one per record, in order. */
    private static void eachAck(List<PendingMessage> messages, List<KafkaWriter.Ack> acks,
            BiConsumer<PendingMessage, KafkaWriter.Ack> action) {
        for (int i = 0; i < messages.size(); i++) {
            action.accept(messages.get(i), acks.get(i));
        }
    }

    private static Outcome settled(PendingMessage pending, IdempotencyLog.Settled settled) {
        return settled.bodySha256().equals(pending.claim().bodySha256())
                ? new Outcome.Accepted(settled.receipt(), true)
                : conflict(pending);
    }

    private static Outcome conflict(PendingMessage pending) {
        return new Outcome.Refused(new IdempotencyConflictException(pending.message().clientMessageId()));
    }

    private Outcome notStored(Throwable cause) {
        return new Outcome.Refused(new MessageNotStoredException(retryAfter, cause));
    }

    private Outcome inProgress() {
        return new Outcome.Refused(new MessageNotStoredException(retryAfter,
                MessageNotStoredException.CLAIM_IN_PROGRESS, null));
    }
}
