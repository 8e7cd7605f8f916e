package io.chatpipe.history.topology;

import com.fasterxml.jackson.annotation.JsonValue;
import io.chatpipe.events.DeliveryAttempted;
import java.time.Instant;
import java.util.Locale;

/**
 * Where a message's delivery stands, folded from its {@link DeliveryAttempted} events.
 *
 * @param attempt the attempt that set this state (0 while no attempt is known)
 * @param at      when that attempt finished, or null
 * @param error   the last attempt's error, or null
 */
public record DeliveryStatus(State state, int attempt, Instant at, String error) {

    /** A message with no delivery attempt yet: Kafka has it, the worker has not reported on it. */
    public static final DeliveryStatus ACCEPTED = new DeliveryStatus(State.ACCEPTED, 0, null, null);

    public enum State {
        /** In Kafka; no delivery attempt reported yet. */
        ACCEPTED,
        /** An attempt failed transiently; the worker tries again. */
        RETRYING,
        /** The XMPP server has the message: stored for the recipient, or taken by their sessions. */
        DELIVERED,
        /** A client of the recipient said it received the message. */
        RECEIVED,
        /** The recipient displayed the message. */
        READ,
        /** Delivery failed for good; the message is in the dead-letter topic. */
        FAILED;

        /** How far the recipient's side has confirmed the message: 0 while nothing has been confirmed. */
        int confirmed() {
            return switch (this) {
                case DELIVERED -> 1;
                case RECEIVED -> 2;
                case READ -> 3;
                case ACCEPTED, RETRYING, FAILED -> 0;
            };
        }

        @JsonValue
        public String json() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static DeliveryStatus of(DeliveryAttempted attempt) {
        State state = switch (attempt.outcome()) {
            case ACCEPTED, STORED -> State.DELIVERED;
            case RECEIVED -> State.RECEIVED;
            case READ -> State.READ;
            case RETRYING -> State.RETRYING;
            case FAILED -> State.FAILED;
        };
        return new DeliveryStatus(state, attempt.attempt(), attempt.at(), attempt.error());
    }

    /**
     * This status after another report. Once the recipient's side has confirmed a message it only moves on
     * (delivered, received, read), never back: at-least-once delivery may report a late retry of a message
     * the server already has, and receipts may arrive in any order. Before that, a confirmation wins, and
     * otherwise the later attempt, and of two reports of one attempt the one that arrived last.
     */
    DeliveryStatus then(DeliveryStatus next) {
        if (state.confirmed() > 0 || next.state.confirmed() > 0) {
            if (next.state.confirmed() <= state.confirmed()) {
                return this;
            }
            // evidence names no attempt: keep the number of the attempt that got the message there
            return new DeliveryStatus(next.state, Math.max(attempt, next.attempt), next.at, null);
        }
        return next.attempt >= attempt ? next : this;
    }
}
