package io.chatpipe.webhooks.delivery;

import io.chatpipe.events.Topic;
import io.chatpipe.events.Topics;
import io.chatpipe.events.WebhookDelivery;
import io.chatpipe.events.WebhookEndpoint;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Sends one endpoint's outbox, in order, on a thread of its own: a slow or failing endpoint holds up only itself.
 * The outbox is read by a consumer group of its own, whose offset moves past an event only once the endpoint
 * answered 2xx or the event is in the dead letters (committed every 100 ms), so a dispatcher killed at any moment
 * sends the events since its last commit again after its restart (same ids) and loses none. Another dispatcher instance takes the outbox over when this one dies.
 *
 * <p>A failed attempt is retried after a {@link Backoff}, as long as the retry window since the event was queued
 * allows; then the event goes to {@code chat.webhooks.dlq} and the next one is sent. While it waits the sender
 * keeps polling (its partition paused), so the group does not count it as gone.
 */
final class EndpointSender {

    private static final Logger log = LoggerFactory.getLogger(EndpointSender.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration KEEP_ALIVE = Duration.ofMillis(200);
    private static final Duration COMMIT_INTERVAL = Duration.ofMillis(100);

    private final String endpointId;
    private final Supplier<Optional<WebhookEndpoint>> endpoint;
    private final Map<String, Object> consumerConfig;
    private final WebhookPost post;
    private final Backoff backoff;
    private final Duration giveUpAfter;
    private final KafkaTemplate<String, WebhookDelivery> deadLetters;
    private final EndpointStates states;
    private final Topic<String, WebhookDelivery> outbox;
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, WebhookDelivery> consumer;
    private final Thread thread;
    /** Where the outbox is done with and not yet committed, or null; the sender's thread only. */
    private Map<TopicPartition, OffsetAndMetadata> done;
    private long committedAt = System.nanoTime();

    EndpointSender(String endpointId, Supplier<Optional<WebhookEndpoint>> endpoint, Map<String, Object> consumerConfig,
            WebhookPost post, Backoff backoff, Duration giveUpAfter, KafkaTemplate<String, WebhookDelivery> deadLetters,
            EndpointStates states) {
        this.endpointId = endpointId;
        this.endpoint = endpoint;
        this.consumerConfig = consumerConfig;
        this.post = post;
        this.backoff = backoff;
        this.giveUpAfter = giveUpAfter;
        this.deadLetters = deadLetters;
        this.states = states;
        this.outbox = Topics.webhookOutbox(endpointId);
        this.thread = Thread.ofVirtual().name("webhook-" + endpointId).unstarted(this::run);
    }

    /** The consumer group that keeps this endpoint's place in its outbox. */
    static String group(String fanOutGroup, String endpointId) {
        return fanOutGroup + "." + endpointId;
    }

    void start() {
        thread.start();
    }

    /** Stops without moving past the event in hand: it is sent again by whoever reads the outbox next. */
    void stop() {
        running = false;
        KafkaConsumer<String, WebhookDelivery> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        while (running) {
            KafkaConsumer<String, WebhookDelivery> reader = new KafkaConsumer<>(consumerConfig,
                    outbox.keys().deserializer(), outbox.values().deserializer());
            consumer = reader;
            try {
                reader.subscribe(List.of(outbox.name()));
                while (running) {
                    poll(reader);
                }
            } catch (WakeupException | InterruptException e) {
                return;
            } catch (KafkaException e) {
                if (running) {
                    log.warn("Reading the outbox of webhook endpoint {} failed, starting again: {}", endpointId,
                            e.toString());
                    pause(Duration.ofSeconds(1));
                }
            } finally {
                // a stop interrupts a request or a wait; the consumer still commits and leaves its group cleanly
                Thread.interrupted();
                try {
                    commit(reader, true);
                } catch (KafkaException e) {
                    log.debug("The last commit of webhook endpoint {} failed (its events may be sent again): {}",
                            endpointId, e.toString());
                }
                reader.close(Duration.ofSeconds(5));
            }
        }
    }

    private void poll(KafkaConsumer<String, WebhookDelivery> reader) {
        List<ConsumerRecord<String, WebhookDelivery>> records;
        try {
            records = reader.poll(POLL).records(new TopicPartition(outbox.name(), 0));
        } catch (RecordDeserializationException e) {
            log.warn("Skipped unreadable record {}-{}@{} of webhook endpoint {}", e.topicPartition().topic(),
                    e.topicPartition().partition(), e.offset(), endpointId);
            reader.seek(e.topicPartition(), e.offset() + 1);
            return;
        }
        for (ConsumerRecord<String, WebhookDelivery> record : records) {
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            if (record.value() == null || deliver(reader, record)) {
                done = Map.of(partition, new OffsetAndMetadata(record.offset() + 1));
                if (System.nanoTime() - committedAt >= COMMIT_INTERVAL.toNanos()) {
                    commit(reader, false);
                }
            } else {
                // not done with: read it again (paused, stopping, or the outbox went to another instance)
                if (reader.assignment().contains(partition)) {
                    reader.seek(partition, record.offset());
                }
                pause(POLL);
                return;
            }
        }
        if (records.isEmpty()) {
            commit(reader, false);   // idle: nothing more to batch the commit with
        }
        reader.assignment().forEach(partition ->
                reader.currentLag(partition).ifPresent(lag -> states.backlog(endpointId, lag)));
    }

    /**
     * Commits past the events done with. Asynchronously while sending (a commit per event cost more than the POST:
     * a dispatcher killed between two commits sends the events since the last one again, under the same ids),
     * synchronously before a wait and when the sender stops.
     */
    private void commit(KafkaConsumer<String, WebhookDelivery> reader, boolean sync) {
        Map<TopicPartition, OffsetAndMetadata> offsets = done;
        if (offsets == null) {
            return;
        }
        done = null;
        committedAt = System.nanoTime();
        if (sync) {
            reader.commitSync(offsets);
        } else {
            reader.commitAsync(offsets, (committed, failure) -> {
                if (failure != null) {
                    log.debug("A commit of webhook endpoint {} failed (its events may be sent again): {}", endpointId,
                            failure.toString());
                }
            });
        }
    }

    /** @return whether the event is done with (sent, given up, or its endpoint deleted); false when stopping */
    private boolean deliver(KafkaConsumer<String, WebhookDelivery> reader, ConsumerRecord<String, WebhookDelivery> record) {
        WebhookDelivery delivery = record.value();
        Instant giveUpAt = Instant.ofEpochMilli(record.timestamp()).plus(giveUpAfter);
        for (int attempt = 1; running; attempt++) {
            Optional<WebhookEndpoint> current = endpoint.get();
            if (current.isEmpty()) {
                return true;
            }
            if (current.get().paused()) {
                return false;
            }
            String failure;
            try {
                failure = post.send(current.get(), delivery, attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            if (failure == null) {
                states.success(endpointId, delivery.createdAt());
                return true;
            }
            states.failure(endpointId, failure);
            Instant now = Instant.now();
            if (!now.isBefore(giveUpAt)) {
                return park(delivery.dead(attempt, failure, now), attempt);
            }
            Duration wait = backoff.after(attempt);
            Duration left = Duration.between(now, giveUpAt);
            log.debug("Webhook event {} to endpoint {} failed (attempt {}: {}), again in {}", delivery.eventId(),
                    endpointId, attempt, failure, wait);
            if (!waitKeepingPlace(reader, wait.compareTo(left) < 0 ? wait : left)) {
                return false;
            }
        }
        return false;
    }

    /** Writes a given-up event to the dead letters; true once Kafka has it. */
    private boolean park(WebhookDelivery dead, int attempts) {
        while (running) {
            try {
                deadLetters.send(Topics.WEBHOOK_DEAD_LETTERS.name(), endpointId, dead).get(30, TimeUnit.SECONDS);
                states.deadLettered(endpointId);
                log.warn("Gave up webhook event {} to endpoint {} after {} attempts ({}); it is in {}", dead.eventId(),
                        endpointId, attempts, dead.error(), Topics.WEBHOOK_DEAD_LETTERS.name());
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (ExecutionException | TimeoutException e) {
                log.warn("Could not write a dead letter of webhook endpoint {}, retrying: {}", endpointId, e.toString());
                pause(Duration.ofSeconds(1));
            }
        }
        return false;
    }

    /**
     * Waits, polling with the outbox paused so that the group keeps this member; false when stopped or when the
     * outbox was taken away meanwhile (another instance sends it now).
     */
    private boolean waitKeepingPlace(KafkaConsumer<String, WebhookDelivery> reader, Duration wait) {
        commit(reader, true);
        Set<TopicPartition> held = reader.assignment();
        reader.pause(held);
        try {
            long until = System.nanoTime() + wait.toNanos();
            while (running && System.nanoTime() < until) {
                reader.poll(KEEP_ALIVE);
                if (!reader.assignment().containsAll(held)) {
                    return false;
                }
            }
            return running;
        } finally {
            reader.resume(reader.assignment());
        }
    }

    private void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** The sender's consumer settings beside the shared ones. */
    static void configure(Map<String, Object> config, String group, Duration sessionTimeout) {
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        // one event at a time: between two, a poll, so a long retry never looks like a dead member
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) sessionTimeout.toMillis());
        config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) Math.max(1000, sessionTimeout.toMillis() / 3));
    }
}
