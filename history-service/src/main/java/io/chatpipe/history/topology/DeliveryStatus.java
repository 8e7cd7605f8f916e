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
        /** The XMPP server took the message. */
        DELIVERED,
        /** Delivery failed for good; the message is in the dead-letter topic. */
        FAILED;

        @JsonValue
        public String json() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static DeliveryStatus of(DeliveryAttempted attempt) {
        State state = switch (attempt.outcome()) {
            case ACCEPTED -> State.DELIVERED;
            case RETRYING -> State.RETRYING;
            case FAILED -> State.FAILED;
        };
        return new DeliveryStatus(state, attempt.attempt(), attempt.at(), attempt.error());
    }

    /**
     * This status after another attempt's report. Delivered is final (at-least-once delivery may report a
     * late retry of a message the server already took); otherwise the later attempt wins, and of two reports
     * of one attempt the one that arrived last.
     */
    DeliveryStatus then(DeliveryStatus next) {
        if (state == State.DELIVERED) {
            return this;
        }
        return next.state == State.DELIVERED || next.attempt >= attempt ? next : this;
    }
}
