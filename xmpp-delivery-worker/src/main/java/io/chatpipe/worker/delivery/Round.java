package io.chatpipe.worker.delivery;

import io.chatpipe.worker.dispatch.DeliveryException;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Messages sent, being confirmed by the server on a virtual thread of its own, so that the
 * conversation's next messages can be sent meanwhile.
 */
final class Round {

    /** A failure (all may be lost, always transient: a confirmation refuses nothing for good), or those not confirmed. */
    private record Settled(DeliveryException failure, List<Pending> missing) {
    }

    private final List<Pending> messages;

    private final DeliveryBackend backend;

    /** How long the server took to confirm a round. */
    private final Timer confirmations;

    private final CompletableFuture<Settled> result = new CompletableFuture<>();

    Round(List<Pending> messages, DeliveryBackend backend, Timer confirmations) {
        this.messages = messages;
        this.backend = backend;
        this.confirmations = confirmations;
        List<DeliveryBackend.Sent> sent = messages.stream().map(pending -> pending.sent).toList();
        Thread.ofVirtual().name("confirm-", 0).start(() -> {
            try {
                result.complete(confirm(sent));
            } catch (Error e) {
                // the round is not confirmed, and the conversation waiting on it must hear so
                result.complete(new Settled(new DeliveryException.Transient("the confirmation did not finish: " + e),
                        List.of()));
                throw e;
            }
        });
    }

    List<Pending> messages() {
        return messages;
    }

    /** Whether the confirmation failed: then nothing more is sent until the round goes again. */
    boolean failed() {
        return result.isDone() && result.join().failure() != null;
    }

    /** Only once settled. */
    DeliveryException failure() {
        return result.join().failure();
    }

    /** Only once settled without failure: those the server showed are not safe, in order. */
    List<Pending> missing() {
        return result.join().missing();
    }

    /** Only once settled without failure: the rest, in order. */
    List<Pending> confirmed() {
        List<Pending> missing = missing();
        return missing.isEmpty() ? messages : messages.stream().filter(pending -> !missing.contains(pending)).toList();
    }

    void awaitSettled() throws InterruptedException {
        settledOrArrival(null);
    }

    /** Waits until the round is settled (true) or, when {@code arrival} is given, it completes first (false). */
    boolean settledOrArrival(CompletableFuture<?> arrival) throws InterruptedException {
        try {
            (arrival == null ? result : CompletableFuture.anyOf(result, arrival)).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("a confirmation settles with a value", e);
        }
        return result.isDone();
    }

    private Settled confirm(List<DeliveryBackend.Sent> sent) {
        long start = System.nanoTime();
        try {
            List<DeliveryBackend.Sent> notConfirmed = backend.confirm(sent);
            confirmations.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            if (notConfirmed.isEmpty()) {
                return new Settled(null, List.of());
            }
            Set<DeliveryBackend.Sent> again = Set.copyOf(notConfirmed);
            var missing = new ArrayList<Pending>();
            for (int i = 0; i < sent.size(); i++) {
                if (again.contains(sent.get(i))) {
                    missing.add(messages.get(i));
                }
            }
            return new Settled(null, missing);
        } catch (DeliveryException e) {
            // any of them may be lost: all go again (a refusal for good belongs to a send, not here)
            return new Settled(e instanceof DeliveryException.Permanent
                    ? new DeliveryException.Transient(e.getMessage(), e) : e, List.of());
        } catch (InterruptedException e) {
            return new Settled(new DeliveryException.Transient("interrupted while confirming", e), List.of());
        } catch (RuntimeException e) {
            return new Settled(new DeliveryException.Transient(DeliveryException.reason(e), e), List.of());
        }
    }
}
