package io.chatpipe.worker.delivery;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.Topics;
import io.chatpipe.worker.config.WorkerProperties;
import io.chatpipe.worker.contacts.Introducer;
import io.chatpipe.worker.provisioning.UserProvisioner;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Takes the records of {@code chat.messages} to their outcomes: both users provisioned and made
 * contacts of each other, the stanza handed to the XMPP server and ACCEPTED recorded; or, when the server refuses it for good (or it is
 * no message at all), a dead letter and FAILED. Transient failures are retried with backoff for as
 * long as it takes, each attempt recorded as RETRYING, until the records are taken away (their
 * partition revoked, the worker stopping). A message captured from XMPP ({@link MessageAccepted#toDeliver()}
 * false) is done at once, unsent and without an outcome: its recipient has it already.
 *
 * <p>A conversation's messages go in order, in rounds: those waiting are sent one after the other,
 * then confirmed together ({@link DeliveryBackend#confirm}), then their outcomes written at once. While
 * a round is being confirmed, the messages that arrive meanwhile are already sent (up to a round of
 * them), so that a slow confirmation does not hold up the next message. When a confirmation fails,
 * its round and everything sent after it go again, in order (clients de-duplicate by id); nothing is
 * sent after a confirmation is known to have failed. When it shows only some of the round are not
 * safe (no archive row for them), the rest are done and only those go again, each in its place among
 * those not yet sent. When a send fails, what was sent before it is confirmed and done first, then it
 * is retried before those after it.
 *
 * <p>At most {@code maxInFlight} conversations are sending at once; one waiting for its confirmation,
 * between attempts, or for its outcomes to be written, holds no slot.
 */
@Component
class Courier implements RecordHandler {

    private static final Logger log = LoggerFactory.getLogger(Courier.class);

    /** The most messages of a conversation sent and not yet being confirmed. */
    private static final int AHEAD = KeyOrderedDispatcher.MAX_ROUND;

    private final UserProvisioner provisioner;

    private final Introducer introducer;

    private final DeliveryBackend backend;

    private final DeliveryOutcomes outcomes;

    private final DeadLetters deadLetters;

    private final WorkerProperties.Retry retry;

    private final Semaphore slots;

    /** From a message's acceptance to its first handing to the XMPP server. */
    private final Timer lag;

    /** How long the server took to confirm a round. */
    private final Timer confirmations;

    Courier(UserProvisioner provisioner, Introducer introducer, DeliveryBackend backend, DeliveryOutcomes outcomes,
            DeadLetters deadLetters, WorkerProperties properties, MeterRegistry meters) {
        this.provisioner = provisioner;
        this.introducer = introducer;
        this.backend = backend;
        this.outcomes = outcomes;
        this.deadLetters = deadLetters;
        this.retry = properties.retry();
        this.slots = new Semaphore(properties.consumer().maxInFlight());
        this.lag = Timer.builder("chatpipe.worker.delivery.lag")
                .description("From a message's acceptance by the api-service to its first handing to the XMPP server")
                .publishPercentileHistogram().register(meters);
        this.confirmations = Timer.builder("chatpipe.worker.confirmations")
                .description("How long the XMPP server took to confirm a round of a conversation's messages")
                .publishPercentileHistogram().register(meters);
    }

    @Override
    public void handle(KeyRecords records) throws InterruptedException {
        KeyRecords arrivals = records;
        Consumer<ConsumerRecord<byte[], byte[]>> done = records::done;
        BooleanSupplier abandoned = records::abandoned;
        var waiting = new ArrayList<Pending>();       // to send, in order
        var unconfirmed = new ArrayList<Pending>();   // sent after the round being confirmed
        Round confirming = null;
        DeliveryException sendFailure = null;         // the first waiting message's, once the rest are settled
        read(records.records(), waiting, done);
        while (!abandoned.getAsBoolean()) {
            if (sendFailure == null) {
                read(arrivals.take(Math.max(0, AHEAD - waiting.size())), waiting, done);
                if (!waiting.isEmpty() && unconfirmed.size() < AHEAD && (confirming == null || !confirming.failed())) {
                    sendFailure = send(waiting, unconfirmed, AHEAD - unconfirmed.size(), confirming);
                }
            }
            if (confirming == null && !unconfirmed.isEmpty()) {
                confirming = new Round(List.copyOf(unconfirmed));
                unconfirmed.clear();
            }
            if (confirming == null) {
                if (sendFailure != null) {
                    if (!failed(waiting, sendFailure, records)) {
                        return;
                    }
                    sendFailure = null;
                } else if (waiting.isEmpty()) {
                    return;
                }
                continue;
            }
            if (!confirming.settledOrArrival(sendFailure == null && waiting.isEmpty() && unconfirmed.size() < AHEAD
                    ? arrivals.next() : null)) {
                continue;   // something new to send while the round is being confirmed
            }
            DeliveryException failure = confirming.failure();
            List<Pending> missing = failure == null ? confirming.missing() : List.of();
            List<Pending> confirmed = failure == null ? confirming.confirmed() : List.of();
            if (failure == null && !confirmed.isEmpty()) {
                failure = writeAccepted(confirmed);
            }
            if (failure == null) {
                confirmed.forEach(pending -> done.accept(pending.record()));
                if (!missing.isEmpty()) {
                    // the server showed these are not safe, and the rest are: only these go again, in their place
                    requeue(waiting, missing);
                    sendFailure = null;
                    if (!retrying(missing, new DeliveryException.Transient(
                            "the server showed no sign of having stored it in time"), records)) {
                        return;
                    }
                }
            } else {
                // any of them may be lost: they and everything sent after them go again, in order
                var again = new ArrayList<>(confirming.messages());
                again.addAll(unconfirmed);
                unconfirmed.clear();
                requeue(waiting, again);
                sendFailure = null;
                if (!retrying(again, failure, records)) {
                    return;
                }
            }
            confirming = null;
        }
    }

    /**
     * Sends waiting messages in order, up to {@code max}, moving each sent to {@code sent}; stops early
     * once the round being confirmed has failed. Holds a slot while sending. Returns the failure of the
     * first message not sent, or null.
     */
    private DeliveryException send(List<Pending> waiting, List<Pending> sent, int max, Round confirming)
            throws InterruptedException {
        slots.acquire();
        try {
            for (int left = max; left > 0 && !waiting.isEmpty() && (confirming == null || !confirming.failed()); left--) {
                Pending pending = waiting.getFirst();
                MessageAccepted message = pending.message();
                pending.attempts++;
                try {
                    provisioner.provision(message.fromId());
                    provisioner.provision(message.toId());
                    introducer.introduce(message);
                    var stanza = ChatStanza.of(message);
                    backend.send(message.fromId(), message.toId(), stanza);
                    if (pending.attempts == 1) {
                        lag.record(Duration.between(message.acceptedAt(), Instant.now()));
                    }
                    pending.sent = new DeliveryBackend.Sent(message.fromId(), message.toId(), stanza, System.nanoTime());
                } catch (DeliveryException e) {
                    return e;
                } catch (RuntimeException e) {
                    return new DeliveryException.Transient(DeliveryException.reason(e), e);
                }
                sent.add(waiting.removeFirst());
            }
            return null;
        } finally {
            slots.release();
        }
    }

    /**
     * Puts messages to send again among those waiting, each in its place: the order of their records, which
     * is the conversation's. A message whose copy was lost goes before every later one not yet sent.
     */
    private static void requeue(List<Pending> waiting, List<Pending> again) {
        waiting.addAll(again);
        waiting.sort(Comparator.comparingLong(pending -> pending.record().offset()));
    }

    /** ACCEPTED for each; the failure when Kafka could not take the outcomes (the messages then go again). */
    private DeliveryException writeAccepted(List<Pending> delivered) {
        try {
            outcomes.accepted(delivered.stream().map(Pending::message).toList(),
                    delivered.stream().map(Pending::attempts).toList());
            return null;
        } catch (RuntimeException e) {
            return new DeliveryException.Transient(DeliveryException.reason(e), e);
        }
    }

    /**
     * Settles the first waiting message, whose send failed: a dead letter when the server refused it
     * for good, else RETRYING and the backoff before it goes again. False when it was taken away meanwhile.
     */
    private boolean failed(List<Pending> waiting, DeliveryException failure, KeyRecords records)
            throws InterruptedException {
        Pending first = waiting.getFirst();
        if (failure instanceof DeliveryException.Permanent) {
            String reason = failure.getMessage();
            deadLetters.refused(first.message(), position(first.record()), reason);
            outcomes.failed(first.message(), first.attempts(), reason);
            records.done(first.record());
            waiting.removeFirst();
            return true;
        }
        return retrying(List.of(first), failure, records);
    }

    /** RETRYING for each message that goes again, and the backoff first. False when they were taken away meanwhile. */
    private boolean retrying(List<Pending> again, DeliveryException failure, KeyRecords records)
            throws InterruptedException {
        String reason = failure.getMessage();
        Pending first = again.getFirst();
        if (failure instanceof DeliveryException.Auth) {
            // nothing wrong with the messages: the worker's own access needs an operator
            log.error("Delivery of {} refused (attempt {}), retrying until the configuration is fixed: {}",
                    describe(again), first.attempts(), reason);
        } else {
            log.warn("Delivery of {} failed (attempt {}), retrying: {}", describe(again), first.attempts(), reason);
        }
        for (Pending pending : again) {
            outcomes.retrying(pending.message(), pending.attempts(), reason);
        }
        return records.pause(retry.backoff(first.attempts()));
    }

    /**
     * Reads each record's message into {@code waiting}; one that has none is dead-lettered and done, and so
     * is one captured from XMPP: it is there already, and delivering it would echo it back to its sender.
     */
    private void read(List<ConsumerRecord<byte[], byte[]>> records, List<Pending> waiting,
                      Consumer<ConsumerRecord<byte[], byte[]>> done) {
        for (ConsumerRecord<byte[], byte[]> record : records) {
            MessageAccepted message = read(record);
            if (message == null || !message.toDeliver()) {
                done.accept(record);
            } else {
                waiting.add(new Pending(record, message));
            }
        }
    }

    /** The message in the record, or null when there is none (then it is dead-lettered here). */
    private MessageAccepted read(ConsumerRecord<byte[], byte[]> record) {
        try {
            MessageAccepted message = Topics.MESSAGES.values().deserializer().deserialize(record.topic(), record.value());
            if (message == null) {
                throw new IllegalArgumentException("the record has no value");
            }
            return message;
        } catch (RuntimeException e) {
            deadLetters.unreadable(key(record), record.value(), position(record), DeliveryException.reason(e));
            return null;
        }
    }

    private static String describe(List<Pending> failed) {
        String first = failed.getFirst().message().messageId().toString();
        return failed.size() == 1 ? first : first + " and the " + (failed.size() - 1) + " sent after it";
    }

    private static String position(ConsumerRecord<byte[], byte[]> record) {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }

    private static ConversationId key(ConsumerRecord<byte[], byte[]> record) {
        try {
            return Topics.MESSAGES.keys().deserializer().deserialize(record.topic(), record.key());
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** A message not yet done, and how many times it was sent. */
    private static final class Pending {

        private final ConsumerRecord<byte[], byte[]> record;

        private final MessageAccepted message;

        private int attempts;

        /** As last sent. */
        private DeliveryBackend.Sent sent;

        Pending(ConsumerRecord<byte[], byte[]> record, MessageAccepted message) {
            this.record = record;
            this.message = message;
        }

        ConsumerRecord<byte[], byte[]> record() {
            return record;
        }

        MessageAccepted message() {
            return message;
        }

        int attempts() {
            return attempts;
        }
    }

    /**
     * Messages sent, being confirmed by the server on a virtual thread of its own, so that the
     * conversation's next messages can be sent meanwhile.
     */
    private final class Round {

        /** A failure (all may be lost, always transient: a confirmation refuses nothing for good), or those not confirmed. */
        private record Settled(DeliveryException failure, List<Pending> missing) {
        }

        private final List<Pending> messages;

        private final CompletableFuture<Settled> result = new CompletableFuture<>();

        Round(List<Pending> messages) {
            this.messages = messages;
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
}
