package io.chatpipe.worker.delivery;

import io.chatpipe.events.MessageAccepted;
import io.chatpipe.worker.provisioning.UserProvisioner;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.stereotype.Component;

/**
 * Delivers each accepted message: both users provisioned, the stanza handed to the XMPP server,
 * the outcome recorded. The record's offset is committed only when this returns, that is once the
 * outcome is in Kafka; failures go to the error handler (retry, or dead letter).
 */
@Component
class DeliveryListener {

    private final UserProvisioner provisioner;

    private final DeliveryBackend backend;

    private final DeliveryOutcomes outcomes;

    DeliveryListener(UserProvisioner provisioner, DeliveryBackend backend, DeliveryOutcomes outcomes) {
        this.provisioner = provisioner;
        this.backend = backend;
        this.outcomes = outcomes;
    }

    @KafkaListener(id = "delivery", idIsGroup = false, containerFactory = "deliveryContainerFactory",
            topics = "#{T(io.chatpipe.events.Topics).MESSAGES.name()}")
    void deliver(MessageAccepted message, @Header(KafkaHeaders.DELIVERY_ATTEMPT) int attempt)
            throws DeliveryException {
        provisioner.provision(message.fromId());
        provisioner.provision(message.toId());
        backend.send(message.fromId(), message.toId(), ChatStanza.of(message));
        outcomes.accepted(message, attempt);
    }
}
