package io.chatpipe.worker.delivery;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.Topics;
import io.chatpipe.worker.config.WorkerProperties;
import io.chatpipe.worker.provisioning.UserProvisioner;
import java.util.concurrent.Semaphore;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Takes one record of {@code chat.messages} to its outcome: both users provisioned, the stanza
 * handed to the XMPP server and ACCEPTED recorded; or, when the server refuses it for good (or it is
 * no message at all), a dead letter and FAILED. Transient failures are retried with backoff for as
 * long as it takes, each attempt recorded as RETRYING, until the record is taken away (its partition
 * revoked, the worker stopping).
 *
 * <p>At most {@code maxInFlight} attempts run at once; a conversation waiting between attempts holds
 * no slot.
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
        String position = record.topic() + "-" + record.partition() + "@" + record.offset();
        MessageAccepted message;
        try {
            message = Topics.MESSAGES.values().deserializer().deserialize(record.topic(), record.value());
            if (message == null) {
                throw new IllegalArgumentException("the record has no value");
            }
        } catch (RuntimeException e) {
            deadLetters.unreadable(key(record), record.value(), position, DeliveryException.reason(e));
            return true;
        }
        for (int attempt = 1; ; attempt++) {
            if (abandoned.getAsBoolean()) {
                return false;
            }
            DeliveryException failure = attempt(message, attempt);
            if (failure == null) {
                return true;
            }
            String reason = failure.getMessage();
            if (failure instanceof DeliveryException.Permanent) {
                deadLetters.refused(message, position, reason);
                outcomes.failed(message, attempt, reason);
                return true;
            }
            if (failure instanceof DeliveryException.Auth) {
                // nothing wrong with the message: the worker's own access needs an operator
                log.error("Delivery of {} refused (attempt {}), retrying until the configuration is fixed: {}",
                        message.messageId(), attempt, reason);
            } else {
                log.warn("Delivery of {} failed (attempt {}), retrying: {}", message.messageId(), attempt, reason);
            }
            outcomes.retrying(message, attempt, reason);
            if (!KeyOrderedDispatcher.pause(retry.backoff(attempt), abandoned)) {
                return false;
            }
        }
    }

    /** One attempt; null when the message is delivered and its outcome recorded. */
    private DeliveryException attempt(MessageAccepted message, int attempt) throws InterruptedException {
        slots.acquire();
        try {
            provisioner.provision(message.fromId());
            provisioner.provision(message.toId());
            backend.send(message.fromId(), message.toId(), ChatStanza.of(message));
            outcomes.accepted(message, attempt);
            return null;
        } catch (DeliveryException e) {
            return e;
        } catch (RuntimeException e) {
            // Kafka could not take an outcome, for instance: the whole attempt is made again
            return new DeliveryException.Transient(DeliveryException.reason(e), e);
        } finally {
            slots.release();
        }
    }

    private static ConversationId key(ConsumerRecord<byte[], byte[]> record) {
        try {
            return Topics.MESSAGES.keys().deserializer().deserialize(record.topic(), record.key());
        } catch (RuntimeException e) {
            return null;
        }
    }
}
