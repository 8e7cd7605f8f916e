package io.chatpipe.api.message;

import io.chatpipe.api.config.ApiProperties;
import io.chatpipe.events.Topic;
import io.chatpipe.events.TopicCatalogue;
import io.chatpipe.events.TopicSettings;
import io.chatpipe.kafka.TopicFollower;
import io.chatpipe.kafka.TopicReplica;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * What every instance knows about client message ids: {@code chat.idempotency}, read from its beginning
 * by each instance into memory and followed from then on (its own {@link TopicReplica}, so that a request
 * waiting for its claim never waits behind the live topics), and written to by each request that names one.
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

    private static final Duration SWEEP = Duration.ofMinutes(1);

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
    private final TopicReplica replica;
    private final Duration acknowledgement;
    private final long holdMillis;
    private final long windowMillis;
    private final Map<String, State> states = new ConcurrentHashMap<>();
    /** When keys older than the window were last forgotten (nanoTime); the replica's thread only. */
    private long lastSweep = System.nanoTime();

    IdempotencyLog(KafkaTemplate<String, IdempotencyEvent> idempotencyTemplate, KafkaProperties kafka,
            KafkaConnectionDetails connection, ApiProperties properties, TopicCatalogue topics, MeterRegistry meters) {
        this.template = idempotencyTemplate;
        this.replica = new TopicReplica("api.idempotency", TopicReplica.consumerConfig(kafka, connection),
                List.of(new Claims()), meters);
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
        return interruptible(replica.awaitRead(IdempotencyConfiguration.IDEMPOTENCY, offsets, left(deadlineNanos)));
    }

    /** Waits until none of the keys is still held by the given claims, or until the deadline. */
    void awaitRelease(Map<String, UUID> heldClaims, long deadlineNanos) throws InterruptedException {
        interruptible(replica.awaitUntil(() -> heldClaims.entrySet().stream().noneMatch(held ->
                states.get(held.getKey()) instanceof Held h && h.claim().equals(held.getValue())), left(deadlineNanos)));
    }

    private static Duration left(long deadlineNanos) {
        return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
    }

    /** A wait the replica ended because this thread was interrupted is an {@link InterruptedException} here. */
    private static boolean interruptible(boolean reached) throws InterruptedException {
        if (!reached && Thread.interrupted()) {
            throw new InterruptedException();
        }
        return reached;
    }

    /** Duration a request waits for this instance's reading (of its claim, or of another holder's outcome). */
    Duration readTimeout() {
        return acknowledgement;
    }

    /** Reads before the web server takes requests, and until it has finished them. */
    @Override
    public int getPhase() {
        return replica.getPhase();
    }

    @Override
    public void start() {
        replica.start();
    }

    @Override
    public void stop() {
        replica.stop();
    }

    @Override
    public boolean isRunning() {
        return replica.isRunning();
    }

    /** The records of {@code chat.idempotency}, applied in partition order on the replica's thread. */
    private final class Claims implements TopicFollower<String, IdempotencyEvent> {

        @Override
        public Topic<String, IdempotencyEvent> topic() {
            return IdempotencyConfiguration.IDEMPOTENCY;
        }

        @Override
        public boolean fromBeginning() {
            return true;
        }

        @Override
        public void accept(String key, IdempotencyEvent event, long timestamp) {
            apply(key, event, timestamp);
            if (System.nanoTime() - lastSweep > SWEEP.toNanos()) {
                sweep();
                lastSweep = System.nanoTime();
            }
        }

        /** Not called: the replica hands over each record's time, which decides whether a claim was abandoned. */
        @Override
        public void accept(String key, IdempotencyEvent event) {
            accept(key, event, System.currentTimeMillis());
        }
    }

    /** {@code at}: when the record was written (its Kafka timestamp, in epoch millis). */
    private void apply(String key, IdempotencyEvent event, long at) {
        if (event.kind() == null || event.claim() == null || event.messageId() == null) {
            return;
        }
        states.compute(key, (held, current) -> switch (event.kind()) {
            case CLAIMED -> current == null || (current instanceof Held h && at - h.at() > holdMillis)
                    ? new Held(event.claim(), event.bodySha256(), receipt(event), at)
                    : current;
            case ACCEPTED -> current instanceof Settled
                    ? current
                    : new Settled(event.bodySha256(), receipt(event), at);
            case RELEASED -> current instanceof Held h && h.claim().equals(event.claim()) ? null : current;
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
