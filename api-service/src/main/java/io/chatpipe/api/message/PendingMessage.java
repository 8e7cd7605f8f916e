package io.chatpipe.api.message;

import io.chatpipe.events.MessageAccepted;
import java.util.concurrent.CompletableFuture;

/**
 * One message on its way through {@link MessageIntake}, alone or in a batch: the message with its id, the claim it
 * makes on its sender's client message id (null when it has none), and what became of it, settled once.
 */
record PendingMessage(MessageAccepted message, IdempotencyEvent claim, CompletableFuture<Outcome> result) {

    PendingMessage(MessageAccepted message) {
        this(message, message.clientMessageId() == null ? null : IdempotencyEvent.claimed(message),
                new CompletableFuture<>());
    }

    /** The first outcome given stays; later ones (such as a failure of the whole call) are ignored. */
    void settle(Outcome outcome) {
        result.complete(outcome);
    }

    /** What became of it, once {@link MessageIntake#accept(java.util.List)} returned. */
    Outcome outcome() {
        return result.resultNow();
    }
}
