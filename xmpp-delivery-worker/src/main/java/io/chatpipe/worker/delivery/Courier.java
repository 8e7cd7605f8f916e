package io.chatpipe.worker.delivery;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.Topics;
import io.chatpipe.worker.config.WorkerProperties;
import io.chatpipe.worker.contacts.Introducer;
import io.chatpipe.worker.dispatch.DeliveryException;
import io.chatpipe.worker.dispatch.KeyOrderedDispatcher;
import io.chatpipe.worker.dispatch.KeyRecords;
import io.chatpipe.worker.dispatch.RecordHandler;
import io.chatpipe.worker.provisioning.UserProvisioner;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Semaphore;
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

    /**
     * Where a conversation's delivery stands between two steps. Its messages are in the
     * {@link Conversation}: those waiting to be sent, and those sent and not yet in a round.
     */
    private sealed interface Phase {

        /** No round being confirmed: what waits is sent, and what was sent is confirmed as the next round. */
        record Sending() implements Phase {
        }

        /** A round being confirmed by the server; meanwhile, what arrives is sent ahead of it. */
        record Confirming(Round round) implements Phase {
        }

        /**
         * The first waiting message's send failed: nothing more is sent until what was sent before it is
         * confirmed (the round, when there is one, then those sent ahead of it), then the failure is settled.
         */
        record SendFailed(DeliveryException failure, Round round) implements Phase {
        }

        /** Every message handed over is done. */
        record Finished() implements Phase {
        }
    }

    @Override
    public void handle(KeyRecords records) throws InterruptedException {
        var conversation = new Conversation(records);
        Phase phase = new Phase.Sending();
        // once the records are taken away, the phase under way is left as it is: nothing more is recorded
        while (!(phase instanceof Phase.Finished) && !records.abandoned()) {
            phase = switch (phase) {
                case Phase.Sending() -> conversation.sendWaiting();
                case Phase.Confirming(Round round) -> conversation.sendAheadOf(round);
                case Phase.SendFailed(DeliveryException failure, Round round) ->
                        conversation.settleSendFailure(failure, round);
                case Phase.Finished() -> phase;
            };
        }
    }

    /** One conversation's messages in one call of {@link #handle}, from their records to their outcomes. */
    private final class Conversation {

        private final KeyRecords records;

        /** To send, in order. */
        private final List<Pending> waiting = new ArrayList<>();

        /** Sent, and in no round yet: sent ahead of the round being confirmed, or since the last one. */
        private final List<Pending> ahead = new ArrayList<>();

        Conversation(KeyRecords records) {
            this.records = records;
            read(records.records());
        }

        /** Sends what waits, with what arrived, and has what was sent confirmed as the next round. */
        Phase sendWaiting() throws InterruptedException {
            read(records.take(Math.max(0, AHEAD - waiting.size())));
            DeliveryException failure = !waiting.isEmpty() && ahead.size() < AHEAD
                    ? send(waiting, ahead, AHEAD - ahead.size(), null) : null;
            Round round = ahead.isEmpty() ? null : confirmAhead();
            if (failure != null) {
                return new Phase.SendFailed(failure, round);
            }
            if (round != null) {
                return new Phase.Confirming(round);
            }
            return waiting.isEmpty() ? new Phase.Finished() : new Phase.Sending();
        }

        /**
         * While the round is being confirmed, sends what arrives, up to a round ahead of it and only while it
         * has not failed; once it is settled, the conversation goes on sending.
         */
        Phase sendAheadOf(Round round) throws InterruptedException {
            read(records.take(Math.max(0, AHEAD - waiting.size())));
            if (!waiting.isEmpty() && ahead.size() < AHEAD && !round.failed()) {
                DeliveryException failure = send(waiting, ahead, AHEAD - ahead.size(), round);
                if (failure != null) {
                    return new Phase.SendFailed(failure, round);
                }
            }
            boolean room = waiting.isEmpty() && ahead.size() < AHEAD;
            if (!round.settledOrArrival(room ? records.next() : null)) {
                return new Phase.Confirming(round);   // something new to send while the round is being confirmed
            }
            return settle(round, new Phase.Sending());
        }

        /**
         * Settles the first waiting message, whose send failed, once what was sent before it is confirmed and
         * done: a dead letter when the server refused it for good, else RETRYING and the backoff before it goes
         * again.
         */
        Phase settleSendFailure(DeliveryException failure, Round round) throws InterruptedException {
            if (round != null) {
                round.awaitSettled();
                return settle(round, new Phase.SendFailed(failure, null));
            }
            if (!ahead.isEmpty()) {
                return new Phase.SendFailed(failure, confirmAhead());
            }
            Pending first = waiting.getFirst();
            if (failure instanceof DeliveryException.Permanent) {
                String reason = failure.getMessage();
                deadLetters.refused(first.message(), position(first.record()), reason);
                outcomes.failed(first.message(), first.attempts(), reason);
                records.done(first.record());
                waiting.removeFirst();
            } else {
                retrying(List.of(first), failure, records);
            }
            return new Phase.Sending();
        }

        /**
         * A settled round: ACCEPTED for those confirmed, which are then done, and those the server showed are
         * not safe go again, each in its place, before {@code afterwards}. When the round failed (or its outcomes
         * could not be written) it and everything sent after it go again, in order.
         */
        Phase settle(Round round, Phase afterwards) throws InterruptedException {
            DeliveryException failure = round.failure();
            List<Pending> confirmed = failure == null ? round.confirmed() : List.of();
            if (failure == null && !confirmed.isEmpty()) {
                failure = writeAccepted(confirmed);
            }
            if (failure == null) {
                confirmed.forEach(pending -> records.done(pending.record()));
                List<Pending> missing = round.missing();
                if (missing.isEmpty()) {
                    return afterwards;
                }
                requeue(missing);
                retrying(missing, new DeliveryException.Transient(
                        "the server showed no sign of having stored it in time"), records);
                return new Phase.Sending();
            }
            // any of them may be lost: they and everything sent after them go again, in order
            var again = new ArrayList<>(round.messages());
            again.addAll(ahead);
            ahead.clear();
            requeue(again);
            retrying(again, failure, records);
            return new Phase.Sending();
        }

        /** What was sent and is in no round yet, as the round to confirm next. */
        private Round confirmAhead() {
            Round round = new Round(List.copyOf(ahead), backend, confirmations);
            ahead.clear();
            return round;
        }

        /**
         * Puts messages to send again among those waiting, each in its place: the order of their records, which
         * is the conversation's. A message whose copy was lost goes before every later one not yet sent.
         */
        private void requeue(List<Pending> again) {
            waiting.addAll(again);
            waiting.sort(Comparator.comparingLong(pending -> pending.record().offset()));
        }

        /**
         * Reads each record's message into {@code waiting}; one that has none is dead-lettered and done, and so
         * is one captured from XMPP: it is there already, and delivering it would echo it back to its sender.
         */
        private void read(List<ConsumerRecord<byte[], byte[]>> handed) {
            for (ConsumerRecord<byte[], byte[]> record : handed) {
                MessageAccepted message = Courier.this.read(record);
                if (message == null || !message.toDeliver()) {
                    records.done(record);
                } else {
                    waiting.add(new Pending(record, message));
                }
            }
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
     * RETRYING for each message that goes again, and the backoff first, cut short when the records are taken
     * away (then the conversation stops).
     */
    private void retrying(List<Pending> again, DeliveryException failure, KeyRecords records)
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
        records.pause(retry.backoff(first.attempts()));
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
}
