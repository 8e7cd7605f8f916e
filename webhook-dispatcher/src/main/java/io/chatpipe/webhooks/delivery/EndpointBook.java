package io.chatpipe.webhooks.delivery;

import io.chatpipe.events.Topic;
import io.chatpipe.events.TopicCatalogue;
import io.chatpipe.events.Topics;
import io.chatpipe.events.WebhookDelivery;
import io.chatpipe.events.WebhookEndpoint;
import io.chatpipe.kafka.TopicFollower;
import io.chatpipe.kafka.TopicReplica;
import io.chatpipe.webhooks.config.DispatcherProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Every webhook endpoint, as the compacted {@code chat.webhooks} says, read from its beginning and followed by a
 * {@link TopicReplica} of its own; and a running {@link EndpointSender} for each endpoint that is not paused. An endpoint becomes known to the
 * fan-out only once its outbox exists, and the fan-out starts only once every endpoint registered before this
 * dispatcher started is known, so no event is judged against half the endpoints.
 */
@Component
class EndpointBook implements SmartLifecycle, TopicFollower<String, WebhookEndpoint> {

    private static final Logger log = LoggerFactory.getLogger(EndpointBook.class);
    static final String FAN_OUT = "webhook-fan-out";

    private final Map<String, WebhookEndpoint> endpoints = new ConcurrentHashMap<>();
    private final Map<String, EndpointSender> senders = new HashMap<>();
    private final DispatcherProperties properties;
    private final KafkaProperties kafka;
    private final KafkaAdmin admin;
    private final KafkaListenerEndpointRegistry listeners;
    private final WebhookPost post;
    private final KafkaTemplate<String, WebhookDelivery> deadLetters;
    private final EndpointStates states;
    private final TopicReplica replica;
    private final TopicCatalogue topics;
    private volatile boolean running;

    EndpointBook(DispatcherProperties properties, KafkaProperties kafka, KafkaConnectionDetails connection,
            KafkaAdmin admin, KafkaListenerEndpointRegistry listeners, WebhookPost post,
            KafkaTemplate<String, WebhookDelivery> deliveryTemplate, EndpointStates states, TopicCatalogue topics,
            MeterRegistry meters) {
        this.replica = new TopicReplica("webhooks.endpoints", TopicReplica.consumerConfig(kafka, connection),
                List.of(this), meters);
        this.properties = properties;
        this.topics = topics;
        this.kafka = kafka;
        this.admin = admin;
        this.listeners = listeners;
        this.post = post;
        this.deadLetters = deliveryTemplate;
        this.states = states;
    }

    /** The endpoints whose outboxes exist, paused ones included (their events wait in the outbox). */
    Collection<WebhookEndpoint> all() {
        return endpoints.values();
    }

    /**
     * Waits until the book has read chat.webhooks as far as it goes now: every endpoint registered before a record
     * that is about to be fanned out was written is known then (the api-service answers 201 only once Kafka has it).
     *
     * @return false when that did not happen within the timeout
     */
    boolean awaitCaughtUp(Duration timeout) {
        return replica.awaitEnd(timeout);
    }

    @Override
    public void start() {
        running = true;
        replica.start();
        // the fan-out starts once every endpoint registered before this dispatcher started is known
        Thread.ofVirtual().name("webhook-fan-out-start").start(() -> {
            if (replica.awaitReady(Duration.ofDays(365)) && running) {
                log.info("Read {} webhook endpoints; dispatching events", endpoints.size());
                listeners.getListenerContainer(FAN_OUT).start();
            }
        });
    }

    @Override
    public Topic<String, WebhookEndpoint> topic() {
        return Topics.WEBHOOKS;
    }

    @Override
    public boolean fromBeginning() {
        return true;
    }

    /** On the replica's thread: starts, pauses or stops the endpoint's sender, and makes or removes its outbox. */
    @Override
    public void accept(String id, WebhookEndpoint endpoint) {
        apply(id, endpoint);
    }

    private void apply(String id, WebhookEndpoint endpoint) {
        if (endpoint.isDeleted()) {
            if (endpoints.remove(id) != null || senders.containsKey(id)) {
                stopSender(id);
                states.forget(id);
                removeOutbox(id);
                log.info("Webhook endpoint {} deleted", id);
            }
            return;
        }
        if (!endpoints.containsKey(id) && !createOutbox(id)) {
            return;
        }
        endpoints.put(id, endpoint);
        if (endpoint.paused()) {
            stopSender(id);
        } else if (!senders.containsKey(id)) {
            Map<String, Object> config = kafka.buildConsumerProperties();
            config.put(ConsumerConfig.CLIENT_ID_CONFIG, "webhook-" + id + "-" + UUID.randomUUID());
            EndpointSender.configure(config, EndpointSender.group(properties.consumer().groupId(), id),
                    properties.consumer().sessionTimeout());
            EndpointSender sender = new EndpointSender(id, () -> Optional.ofNullable(endpoints.get(id)), config, post,
                    Backoff.of(properties.retry()), properties.retry().giveUpAfter(), deadLetters, states);
            senders.put(id, sender);
            sender.start();
        }
    }

    private void stopSender(String id) {
        EndpointSender sender = senders.remove(id);
        if (sender != null) {
            sender.stop();
        }
    }

    /** Creates the endpoint's outbox, trying again while Kafka does not answer; false when stopped first. */
    private boolean createOutbox(String id) {
        // one partition (the catalogue's): the endpoint's events in one order
        var outbox = topics.newTopic(Topics.webhookOutbox(id));
        while (running) {
            try {
                admin.createOrModifyTopics(outbox);
                return true;
            } catch (RuntimeException e) {
                log.warn("Could not create the outbox of webhook endpoint {}, retrying: {}", id, e.toString());
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return false;
    }

    private void removeOutbox(String id) {
        try (Admin client = Admin.create(admin.getConfigurationProperties())) {
            client.deleteTopics(List.of(Topics.webhookOutbox(id).name())).all().get(30, TimeUnit.SECONDS);
            client.deleteConsumerGroups(List.of(EndpointSender.group(properties.consumer().groupId(), id)))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("Could not remove the outbox of deleted webhook endpoint {}: {}", id, e.toString());
        }
    }

    @Override
    public void stop() {
        running = false;
        replica.stop();
        List.copyOf(senders.keySet()).forEach(this::stopSender);
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
