package io.chatpipe.worker.delivery;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.Topics;
import io.chatpipe.worker.config.WorkerProperties;
import io.chatpipe.worker.provisioning.UserProvisioner;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Takes the records of {@code chat.messages} to their outcomes: both users provisioned, the stanza
 * handed to the XMPP server and ACCEPTED recorded; or, when the server refuses it for good (or it is
 * no message at all), a dead letter and FAILED. Transient failures are retried with backoff for as
 * long as it takes, each attempt recorded as RETRYING, until the records are taken away (their
 * partition revoked, the worker stopping).
 *
 * <p>A conversation's waiting messages go together: sent one after the other, in order, then confirmed
 * once ({@link DeliveryBackend#confirm}), then their outcomes written at once. When the confirmation
 * fails, every message it covered is sent again, in order (clients de-duplicate by id); when a send
 * fails, the messages before it are confirmed and done, and it is retried before those after it.
 *
 * <p>At most {@code maxInFlight} conversations are sending at once; one waiting for its confirmation,
 * between attempts, or for its outcomes to be written, holds no slot.
 */
@Component
class Courier implements KeyOrderedDispatcher.RecordHandler {

    private static final Logger log = LoggerFactory.getLogger(Courier.class);

    private final UserProvisioner provisioner;

    private final DeliveryBackend backend;

    private final DeliveryOutcomes outcomes;

    private final DeadLetters deadLetters;

    private final WorkerProperties.Retry retry;

    private final Semaphore slots;

    Courier(UserProvisioner provisioner, DeliveryBackend backend, DeliveryOutcomes outcomes, DeadLetters deadLetters,
            WorkerProperties properties) {
        this.provisioner = provisioner;
        this.backend = backend;
        this.outcomes = outcomes;
        this.deadLetters = deadLetters;
        this.retry = properties.retry();
        this.slots = new Semaphore(properties.consumer().maxInFlight());
    }

    @Override
    public boolean handle(ConsumerRecord<byte[], byte[]> record, BooleanSupplier abandoned) throws InterruptedException {
        var done = new ArrayList<ConsumerRecord<byte[], byte[]>>(1);
        handleInOrder(List.of(record), done::add, abandoned);
        return !done.isEmpty();
    }

    @Override
    public void handleInOrder(List<ConsumerRecord<byte[], byte[]>> records, Consumer<ConsumerRecord<byte[], byte[]>> done,
                              BooleanSupplier abandoned) throws InterruptedException {
        var waiting = new ArrayList<Pending>(records.size());
        for (ConsumerRecord<byte[], byte[]> record : records) {
            MessageAccepted message = read(record);
            if (message == null) {
                done.accept(record);
            } else {
                waiting.add(new Pending(record, message));
            }
        }
        while (!waiting.isEmpty()) {
            if (abandoned.getAsBoolean()) {
                return;
            }
            Attempt attempt = attempt(waiting);
            List<Pending> delivered = waiting.subList(0, attempt.confirmed());
            if (!delivered.isEmpty()) {
                try {
                    outcomes.accepted(delivered.stream().map(Pending::message).toList(),
                            delivered.stream().map(Pending::attempts).toList());
                } catch (RuntimeException e) {
                    // Kafka could not take the outcomes: the messages are sent again
                    attempt = new Attempt(0, attempt.confirmed(),
                            new DeliveryException.Transient(DeliveryException.reason(e), e));
                }
            }
            for (Pending pending : waiting.subList(0, attempt.confirmed())) {
                done.accept(pending.record());
            }
            waiting.subList(0, attempt.confirmed()).clear();
            if (attempt.failure() != null && !failed(waiting.subList(0, attempt.failedCount()), attempt.failure(), done,
                    abandoned)) {
                return;
            }
        }
    }

    /**
     * Settles the messages a failure befell: a dead letter for one the server refused for good; for the
     * rest, RETRYING and the backoff before they go again. False when they were taken away meanwhile.
     */
    private boolean failed(List<Pending> failed, DeliveryException failure, Consumer<ConsumerRecord<byte[], byte[]>> done,
                           BooleanSupplier abandoned) throws InterruptedException {
        String reason = failure.getMessage();
        Pending first = failed.getFirst();
        if (failure instanceof DeliveryException.Permanent) {
            deadLetters.refused(first.message(), position(first.record()), reason);
            outcomes.failed(first.message(), first.attempts(), reason);
            done.accept(first.record());
            failed.clear();
            return true;
        }
        if (failure instanceof DeliveryException.Auth) {
            // nothing wrong with the messages: the worker's own access needs an operator
            log.error("Delivery of {} refused (attempt {}), retrying until the configuration is fixed: {}",
                    describe(failed), first.attempts(), reason);
        } else {
            log.warn("Delivery of {} failed (attempt {}), retrying: {}", describe(failed), first.attempts(), reason);
        }
        for (Pending pending : failed) {
            outcomes.retrying(pending.message(), pending.attempts(), reason);
        }
        return KeyOrderedDispatcher.pause(retry.backoff(first.attempts()), abandoned);
    }

    /**
     * Sends the waiting messages in order, as far as the server takes them, and confirms those sent.
     * Holds a slot while sending; the confirmation, mostly waiting for the recipients' sessions, holds
     * none.
     */
    private Attempt attempt(List<Pending> waiting) throws InterruptedException {
        var sent = new ArrayList<DeliveryBackend.Sent>(waiting.size());
        DeliveryException sendFailure = null;
        slots.acquire();
        try {
            for (Pending pending : waiting) {
                MessageAccepted message = pending.message();
                pending.attempts++;
                try {
                    provisioner.provision(message.fromId());
                    provisioner.provision(message.toId());
                    var stanza = ChatStanza.of(message);
                    backend.send(message.fromId(), message.toId(), stanza);
                    sent.add(new DeliveryBackend.Sent(message.fromId(), message.toId(), stanza));
                } catch (DeliveryException e) {
                    sendFailure = e;
                    break;
                } catch (RuntimeException e) {
                    sendFailure = new DeliveryException.Transient(DeliveryException.reason(e), e);
                    break;
                }
            }
        } finally {
            slots.release();
        }
        if (!sent.isEmpty()) {
            try {
                backend.confirm(sent);
            } catch (DeliveryException e) {
                // any of them may be lost: all go again (a refusal for good belongs to a send, not here)
                DeliveryException retried = e instanceof DeliveryException.Permanent
                        ? new DeliveryException.Transient(e.getMessage(), e) : e;
                return new Attempt(0, sent.size(), retried);
            } catch (RuntimeException e) {
                return new Attempt(0, sent.size(), new DeliveryException.Transient(DeliveryException.reason(e), e));
            }
        }
        return new Attempt(sent.size(), sendFailure == null ? 0 : 1, sendFailure);
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
     * What an attempt came to: the first {@code confirmed} messages are delivered; the {@code failedCount}
     * after them met {@code failure} (none when it is null).
     */
    private record Attempt(int confirmed, int failedCount, DeliveryException failure) {
    }
}
