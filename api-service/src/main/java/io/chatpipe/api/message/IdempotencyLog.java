package io.chatpipe.api.message;

import io.chatpipe.api.config.ApiProperties;
import io.chatpipe.events.TopicCatalogue;
import io.chatpipe.events.TopicSettings;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * What every instance knows about client message ids: {@code chat.idempotency}, read from its beginning
 * by each instance into memory and followed from then on, and written to by each request that names one.
 *
 * <p>The topic decides, not the memory: a request writes its claim, then waits until this instance has
 * read the topic up to that claim ({@link #awaitRead}), so it sees every claim and acceptance that came
 * before it, whichever instance wrote them and whether this instance restarted since. Of two concurrent
 * claims the one earlier in the partition holds the key; the other waits for its outcome. Every instance
 * applies the same records in the same order, so they all agree. An accepted key is settled for good and
 * answered from memory without a write.
 */
@Component
class IdempotencyLog implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(IdempotencyLog.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration RECONNECT = Duration.ofSeconds(1);
    private static final Duration SWEEP = Duration.ofMinutes(1);
    private static final Duration CLOSE = Duration.ofSeconds(1);

    /** What the topic says about one key so far. */
    sealed interface State {

        String bodySha256();

        MessageReceipt receipt();

        /** When the record that made this state was written (its Kafka timestamp, in epoch millis). */
        long at();
    }

    /** A request claimed the key and is writing the message. */
    record Held(UUID claim, String bodySha256, MessageReceipt receipt, long at) implements State {
    }

    /** The message is in {@code chat.messages}: every retry gets its receipt. */
    record Settled(String bodySha256, MessageReceipt receipt, long at) implements State {
    }

    private final KafkaTemplate<String, IdempotencyEvent> template;
    private final Supplier<Consumer<String, IdempotencyEvent>> readers;
    private final Duration acknowledgement;
    private final long holdMillis;
    private final long windowMillis;
    private final Map<String, State> states = new ConcurrentHashMap<>();
    /** Per partition, the offset of the next record to read; guarded by itself, which is also the signal. */
    private final Map<Integer, Long> positions = new HashMap<>();

    private volatile boolean running;
    private volatile Consumer<String, IdempotencyEvent> consumer;
    private Thread reader;

    IdempotencyLog(KafkaTemplate<String, IdempotencyEvent> idempotencyTemplate,
            Supplier<Consumer<String, IdempotencyEvent>> idempotencyReaders, ApiProperties properties,
            TopicCatalogue topics) {
        this.template = idempotencyTemplate;
        this.readers = idempotencyReaders;
        ApiProperties.Publish publish = properties.publish();
        this.acknowledgement = publish.acknowledgementTimeout();
        // a holder claims, reads, writes the message and then its outcome, each bounded by these: a claim
        // older than that whose holder said nothing was abandoned (its instance died) and may be taken over
        this.holdMillis = 3 * (publish.maxBlock().toMillis() + acknowledgement.toMillis());
        // as long as the topic keeps the records: what a new instance reads is what every instance remembers
        TopicSettings topic = topics.settings(IdempotencyConfiguration.TOPIC);
        this.windowMillis = topic.keptForever() ? Long.MAX_VALUE : topic.retention().toMillis();
    }

    /** What is known about a key now; null when nobody holds it. */
    State state(String key) {
        return states.get(key);
    }

    /** Writes the events at once; one acknowledgement per event, in order. */
    List<KafkaWriter.Ack> write(List<IdempotencyEvent> events) {
        List<ProducerRecord<String, IdempotencyEvent>> records = events.stream()
                .map(event -> new ProducerRecord<>(IdempotencyConfiguration.TOPIC, event.key(), event))
                .toList();
        return KafkaWriter.writeAll(template, records, acknowledgement);
    }

    /**
     * Waits until this instance has read every given partition past the given offset, so that its state
     * includes those records and everything before them.
     *
     * @return false when the deadline came first
     */
    boolean awaitRead(Map<Integer, Long> offsets, long deadlineNanos) throws InterruptedException {
        synchronized (positions) {
            while (!offsets.entrySet().stream().allMatch(
                    offset -> positions.getOrDefault(offset.getKey(), -1L) > offset.getValue())) {
                if (!waitOnPositions(deadlineNanos)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Waits until none of the keys is still held by the given claims, or until the deadline. */
    void awaitRelease(Map<String, UUID> heldClaims, long deadlineNanos) throws InterruptedException {
        synchronized (positions) {
            while (heldClaims.entrySet().stream().anyMatch(held -> states.get(held.getKey()) instanceof Held h
                    && h.claim().equals(held.getValue()))) {
                if (!waitOnPositions(deadlineNanos)) {
                    return;
                }
            }
        }
    }

    private boolean waitOnPositions(long deadlineNanos) throws InterruptedException {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            return false;
        }
        positions.wait(Math.max(1, left / 1_000_000));
        return true;
    }

    /** Duration a request waits for this instance's reading (of its claim, or of another holder's outcome). */
    Duration readTimeout() {
        return acknowledgement;
    }

    /** Reads before the web server takes requests, and until it has finished them. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 4096;
    }

    @Override
    public void start() {
        running = true;
        reader = Thread.ofPlatform().name("idempotency-reader").daemon().start(this::read);
    }

    @Override
    public void stop() {
        running = false;
        Consumer<String, IdempotencyEvent> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        reader.interrupt();
        try {
            reader.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void read() {
        String lastProblem = null;
        while (running) {
            Consumer<String, IdempotencyEvent> opened = readers.get();
            consumer = opened;
            try {
                List<TopicPartition> partitions = assign(opened);
                if (partitions.isEmpty()) {
                    pause();
                    continue;
                }
                lastProblem = null;
                follow(opened, partitions);
            } catch (WakeupException | InterruptException e) {
                // stopping
            } catch (KafkaException e) {
                // Kafka unreachable: requests that name a client message id get 503 meanwhile; said once
                if (!String.valueOf(e.getMessage()).equals(lastProblem)) {
                    log.warn("Cannot read {}, retrying: {}", IdempotencyConfiguration.TOPIC, e.toString());
                    lastProblem = String.valueOf(e.getMessage());
                }
                pause();
            } finally {
                consumer = null;
                opened.close(CloseOptions.timeout(CLOSE));
            }
        }
    }

    private void follow(Consumer<String, IdempotencyEvent> opened, List<TopicPartition> partitions) {
        long nextSweep = System.nanoTime() + SWEEP.toNanos();
        while (running) {
            for (ConsumerRecord<String, IdempotencyEvent> record : opened.poll(POLL)) {
                apply(record);
            }
            Map<Integer, Long> read = new HashMap<>();
            for (TopicPartition partition : partitions) {
                try {
                    read.put(partition.partition(), opened.position(partition, POLL));
                } catch (TimeoutException e) {
                    // not known until Kafka answers; waiting requests keep waiting, within their deadlines
                }
            }
            synchronized (positions) {
                positions.putAll(read);
                positions.notifyAll();
            }
            if (System.nanoTime() - nextSweep > 0) {
                sweep();
                nextSweep = System.nanoTime() + SWEEP.toNanos();
            }
        }
    }

    private List<TopicPartition> assign(Consumer<String, IdempotencyEvent> opened) {
        List<PartitionInfo> infos = opened.partitionsFor(IdempotencyConfiguration.TOPIC, acknowledgement);
        List<TopicPartition> partitions = infos == null ? List.of() : infos.stream()
                .map(info -> new TopicPartition(info.topic(), info.partition()))
                .toList();
        opened.assign(partitions);
        opened.seekToBeginning(partitions);
        states.clear();
        synchronized (positions) {
            positions.clear();
        }
        return partitions;
    }

    private void pause() {
        try {
            Thread.sleep(RECONNECT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private void apply(ConsumerRecord<String, IdempotencyEvent> record) {
        IdempotencyEvent event = record.value();
        if (event == null || event.kind() == null || event.claim() == null || event.messageId() == null) {
            return;
        }
        long at = record.timestamp();
        states.compute(record.key(), (key, current) -> switch (event.kind()) {
            case CLAIMED -> current == null || (current instanceof Held held && at - held.at() > holdMillis)
                    ? new Held(event.claim(), event.bodySha256(), receipt(event), at)
                    : current;
            case ACCEPTED -> current instanceof Settled
                    ? current
                    : new Settled(event.bodySha256(), receipt(event), at);
            case RELEASED -> current instanceof Held held && held.claim().equals(event.claim()) ? null : current;
        });
    }

    /** Forgets keys older than the window, as the topic's retention does. */
    private void sweep() {
        long expired = System.currentTimeMillis() - windowMillis;
        states.values().removeIf(state -> state.at() < expired);
    }

    private static MessageReceipt receipt(IdempotencyEvent event) {
        return new MessageReceipt(event.messageId(), event.conversationId());
    }
}
