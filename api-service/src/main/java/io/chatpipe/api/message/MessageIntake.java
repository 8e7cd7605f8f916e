package io.chatpipe.api.message;

import io.chatpipe.api.config.ApiProperties;
import io.chatpipe.events.MessageAccepted;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Takes valid messages into Kafka, at once, and says what became of each: accepted only once
 * {@code chat.messages} acknowledged it, refused with 503 otherwise, never both and never a hang.
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

    private final MessagePublisher publisher;
    private final IdempotencyLog idempotency;
    private final Duration retryAfter;

    MessageIntake(MessagePublisher publisher, IdempotencyLog idempotency, ApiProperties properties) {
        this.publisher = publisher;
        this.idempotency = idempotency;
        this.retryAfter = properties.publish().retryAfter();
    }

    public Outcome accept(MessageAccepted message) {
        return acceptAll(List.of(message)).getFirst();
    }

    /** One outcome per message, in order. */
    List<Outcome> acceptAll(List<MessageAccepted> messages) {
        var run = new Run(messages);
        try {
            run.settleFromMemory();
            run.claim();
            run.publish();
            run.awaitOtherHolders();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            run.failUndecided(e);
        }
        return List.of(run.outcomes);
    }

    /** One call's messages and what is known of each so far. */
    private final class Run {

        private final List<MessageAccepted> messages;
        private final Outcome[] outcomes;
        /** Messages with a client message id that memory could not answer. */
        private final List<Integer> toClaim = new ArrayList<>();
        private final List<Integer> toPublish = new ArrayList<>();
        /** This call's claims that hold their key, by message. */
        private final Map<Integer, IdempotencyEvent> held = new HashMap<>();
        /** Messages whose key another request holds, with that request's claim. */
        private final Map<Integer, UUID> waiting = new LinkedHashMap<>();

        Run(List<MessageAccepted> messages) {
            this.messages = messages;
            this.outcomes = new Outcome[messages.size()];
        }

        /** Messages without a client message id go straight to publishing; settled ids are answered at once. */
        void settleFromMemory() {
            for (int i = 0; i < messages.size(); i++) {
                MessageAccepted message = messages.get(i);
                if (message.clientMessageId() == null) {
                    toPublish.add(i);
                } else if (idempotency.state(IdempotencyEvent.keyOf(message)) instanceof IdempotencyLog.Settled settled) {
                    outcomes[i] = settled(message, settled);
                } else {
                    toClaim.add(i);
                }
            }
        }

        void claim() throws InterruptedException {
            if (toClaim.isEmpty()) {
                return;
            }
            List<IdempotencyEvent> claims = toClaim.stream().map(i -> IdempotencyEvent.claimed(messages.get(i))).toList();
            List<KafkaWriter.Ack> acks = idempotency.write(claims);
            Map<Integer, Long> readUpTo = new HashMap<>();
            Map<Integer, IdempotencyEvent> written = new LinkedHashMap<>();
            for (int c = 0; c < claims.size(); c++) {
                int i = toClaim.get(c);
                KafkaWriter.Ack ack = acks.get(c);
                if (ack.stored()) {
                    readUpTo.merge(ack.metadata().partition(), ack.metadata().offset(), Math::max);
                    written.put(i, claims.get(c));
                } else {
                    outcomes[i] = notStored(ack.failure());
                }
            }
            if (written.isEmpty()) {
                return;
            }
            long deadline = System.nanoTime() + idempotency.readTimeout().toNanos();
            if (!idempotency.awaitRead(readUpTo, deadline)) {
                var late = new TimeoutException("this instance did not read " + IdempotencyConfiguration.TOPIC
                        + " up to its own claims in time");
                written.keySet().forEach(i -> outcomes[i] = notStored(late));
                release(written.values().stream().toList());
                return;
            }
            written.forEach((i, claim) -> decide(i, claim));
        }

        /** What the topic says now that this instance has read past the claim. */
        private void decide(int i, IdempotencyEvent claim) {
            MessageAccepted message = messages.get(i);
            switch (idempotency.state(claim.key())) {
                case IdempotencyLog.Settled settled -> outcomes[i] = settled(message, settled);
                case IdempotencyLog.Held other when other.claim().equals(claim.claim()) -> {
                    held.put(i, claim);
                    toPublish.add(i);
                }
                case IdempotencyLog.Held other when !other.bodySha256().equals(claim.bodySha256()) ->
                        outcomes[i] = new Outcome.Refused(new IdempotencyConflictException(message.clientMessageId()));
                case IdempotencyLog.Held other -> waiting.put(i, other.claim());
                case null -> outcomes[i] = inProgress();
            }
        }

        void publish() {
            if (toPublish.isEmpty()) {
                return;
            }
            List<KafkaWriter.Ack> acks = publisher.publishAll(toPublish.stream().map(messages::get).toList());
            List<IdempotencyEvent> outcomesOfClaims = new ArrayList<>();
            for (int p = 0; p < toPublish.size(); p++) {
                int i = toPublish.get(p);
                KafkaWriter.Ack ack = acks.get(p);
                outcomes[i] = ack.stored()
                        ? new Outcome.Accepted(MessageReceipt.of(messages.get(i)), false)
                        : notStored(ack.failure());
                IdempotencyEvent claim = held.get(i);
                if (claim != null) {
                    outcomesOfClaims.add(ack.stored() ? claim.accepted() : claim.released());
                }
            }
            record(outcomesOfClaims);
        }

        /** Duplicates of a message that another request is storing get that request's outcome. */
        void awaitOtherHolders() throws InterruptedException {
            if (waiting.isEmpty()) {
                return;
            }
            Map<String, UUID> claims = new HashMap<>();
            waiting.forEach((i, claim) -> claims.put(IdempotencyEvent.keyOf(messages.get(i)), claim));
            idempotency.awaitRelease(claims, System.nanoTime() + idempotency.readTimeout().toNanos());
            waiting.keySet().forEach(i -> outcomes[i] =
                    idempotency.state(IdempotencyEvent.keyOf(messages.get(i))) instanceof IdempotencyLog.Settled settled
                            ? settled(messages.get(i), settled)
                            : inProgress());
        }

        void failUndecided(Throwable cause) {
            for (int i = 0; i < outcomes.length; i++) {
                if (outcomes[i] == null) {
                    outcomes[i] = notStored(cause);
                }
            }
        }

        private void release(List<IdempotencyEvent> claims) {
            record(claims.stream().map(IdempotencyEvent::released).toList());
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
    }

    private static Outcome settled(MessageAccepted message, IdempotencyLog.Settled settled) {
        return settled.bodySha256().equals(IdempotencyEvent.bodySha256(message))
                ? new Outcome.Accepted(settled.receipt(), true)
                : new Outcome.Refused(new IdempotencyConflictException(message.clientMessageId()));
    }

    private Outcome notStored(Throwable cause) {
        return new Outcome.Refused(new MessageNotStoredException(retryAfter, cause));
    }

    private Outcome inProgress() {
        return new Outcome.Refused(new MessageNotStoredException(retryAfter,
                MessageNotStoredException.CLAIM_IN_PROGRESS, null));
    }
}
