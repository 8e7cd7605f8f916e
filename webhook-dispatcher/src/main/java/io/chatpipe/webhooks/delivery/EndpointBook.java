package io.chatpipe.webhooks.delivery;

import io.chatpipe.events.TopicCatalogue;
import io.chatpipe.events.Topics;
import io.chatpipe.events.WebhookDelivery;
import io.chatpipe.events.WebhookEndpoint;
import io.chatpipe.webhooks.config.DispatcherProperties;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Every webhook endpoint, as the compacted {@code chat.webhooks} says, read from its beginning on a thread of its
 * own; and a running {@link EndpointSender} for each endpoint that is not paused. An endpoint becomes known to the
 * fan-out only once its outbox exists, and the fan-out starts only once every endpoint registered before this
 * dispatcher started is known, so no event is judged against half the endpoints.
 */
@Component
class EndpointBook implements SmartLifecycle {

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
    private final TopicCatalogue topics;
    private volatile boolean running;
    private volatile KafkaConsumer<String, WebhookEndpoint> consumer;
    /** How far the book has read and applied each partition of chat.webhooks; guarded by itself. */
    private final Map<TopicPartition, Long> positions = new HashMap<>();
    private Admin offsets;
    private Thread thread;

    EndpointBook(DispatcherProperties properties, KafkaProperties kafka, KafkaAdmin admin,
            KafkaListenerEndpointRegistry listeners, WebhookPost post, KafkaTemplate<String, WebhookDelivery> deliveryTemplate,
            EndpointStates states, TopicCatalogue topics) {
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
    boolean awaitCaughtUp(Duration timeout) throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        synchronized (positions) {
            positions.keySet().forEach(partition -> latest.put(partition, OffsetSpec.latest()));
        }
        Map<TopicPartition, Long> ends = new HashMap<>();
        offsets.listOffsets(latest).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .forEach((partition, info) -> ends.put(partition, info.offset()));
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (positions) {
            while (ends.entrySet().stream().anyMatch(end -> positions.getOrDefault(end.getKey(), -1L) < end.getValue())) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                positions.wait(Math.max(1, left / 1_000_000));
            }
        }
        return true;
    }

    @Override
    public void start() {
        offsets = Admin.create(admin.getConfigurationProperties());
        running = true;
        thread = Thread.ofPlatform().name("webhook-endpoints").start(this::run);
    }

    private void run() {
        Map<String, Object> config = kafka.buildConsumerProperties();
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "webhook-endpoints-" + UUID.randomUUID());
        var topic = Topics.WEBHOOKS;
        try (var reader = new KafkaConsumer<>(config, topic.keys().deserializer(), topic.values().deserializer())) {
            consumer = reader;
            Map<TopicPartition, Long> ends = assign(reader);
            boolean ready = false;
            while (running) {
                try {
                    for (ConsumerRecord<String, WebhookEndpoint> record : reader.poll(Duration.ofMillis(500))) {
                        apply(record.key(), record.value());
                    }
                } catch (RecordDeserializationException e) {
                    log.warn("Skipped unreadable webhook endpoint record {}-{}@{}", e.topicPartition().topic(),
                            e.topicPartition().partition(), e.offset());
                    reader.seek(e.topicPartition(), e.offset() + 1);
                }
                synchronized (positions) {
                    reader.assignment().forEach(partition -> positions.put(partition, reader.position(partition)));
                    positions.notifyAll();
                }
                if (!ready && ends.entrySet().stream().allMatch(end -> reader.position(end.getKey()) >= end.getValue())) {
                    ready = true;
                    log.info("Read {} webhook endpoints; dispatching events", endpoints.size());
                    listeners.getListenerContainer(FAN_OUT).start();
                }
            }
        } catch (WakeupException e) {
            // stopping
        } catch (RuntimeException e) {
            log.error("Reading the webhook endpoints failed; no event is dispatched to new endpoints any more", e);
        }
    }

    /** Assigns every partition of chat.webhooks from its beginning, once the topic exists; where each ends now. */
    private Map<TopicPartition, Long> assign(KafkaConsumer<String, WebhookEndpoint> reader) {
        while (true) {
            var infos = reader.partitionsFor(Topics.WEBHOOKS.name(), Duration.ofSeconds(10));
            if (infos != null && !infos.isEmpty()) {
                List<TopicPartition> partitions = infos.stream()
                        .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
                reader.assign(partitions);
                reader.seekToBeginning(partitions);
                return reader.endOffsets(partitions);
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                throw new WakeupException();
            }
        }
    }

    private void apply(String id, WebhookEndpoint endpoint) {
        if (endpoint == null || endpoint.isDeleted()) {
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
        KafkaConsumer<String, WebhookEndpoint> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        try {
            if (thread != null) {
                thread.join(Duration.ofSeconds(10));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List.copyOf(senders.keySet()).forEach(this::stopSender);
        offsets.close(Duration.ofSeconds(5));
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
