package io.chatpipe.worker.ejabberd;

import io.chatpipe.events.DeliveryAttempted;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.Topic;
import io.chatpipe.events.Topics;
import io.chatpipe.kafka.TopicFollower;
import io.chatpipe.kafka.TopicReplica;
import io.chatpipe.worker.config.ConditionalOnBackend;
import io.chatpipe.worker.config.WorkerProperties;
import io.chatpipe.worker.config.WorkerProperties.Backend;
import io.chatpipe.worker.config.WorkerProperties.ConfirmBy;
import io.chatpipe.worker.delivery.DeliveryBackend.Sent;
import io.chatpipe.worker.dispatch.DeliveryException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.serialization.Serdes;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * What the recipients' archives show, as capture writes it to {@code chat.deliveries}: the messages
 * whose archive row was seen (STORED), or that a client of the recipient said it received or read
 * (RECEIVED, READ, which imply the row). The evidence with which
 * {@code chatpipe.worker.ejabberd.confirm-by=archive} counts a message delivered.
 *
 * <p>One {@link TopicReplica} per worker: every partition assigned (no consumer group, nothing committed), from
 * {@code evidence-look-back} before the start by record time, so that a message stored before a restart is
 * known when its record is read again. It keeps the ids of the messages with evidence,
 * the most recent {@link #REMEMBERED} of them, and wakes whoever waits for one.
 */
@Component
@ConditionalOnBackend(value = Backend.EJABBERD_API, confirmBy = ConfirmBy.ARCHIVE)
class ArchiveEvidence implements SmartLifecycle {

    /** Message ids remembered, about 25 MB: ten minutes of evidence at over 300 messages a second. */
    static final int REMEMBERED = 200_000;

    /** The {@code backend} of evidence, as it is in the record's JSON. */
    private static final byte[] ARCHIVE_NAME = ('"' + DeliveryAttempted.ARCHIVE + '"').getBytes(StandardCharsets.UTF_8);

    private final TopicReplica replica;

    /** Each message with evidence, and when its first evidence was read ({@link System#nanoTime()}). */
    private final ConcurrentHashMap<MessageId, Long> evidenced = new ConcurrentHashMap<>();

    /** The same ids, oldest first; the replica's thread only. */
    private final ArrayDeque<MessageId> order = new ArrayDeque<>();

    private final ConcurrentHashMap<MessageId, CompletableFuture<Void>> waiters = new ConcurrentHashMap<>();

    private final Timer sendToEvidence;

    private final Counter sentAgain;

    ArchiveEvidence(KafkaProperties kafka, KafkaConnectionDetails connection, WorkerProperties properties,
            MeterRegistry meters) {
        this.replica = new TopicReplica("worker.evidence", TopicReplica.consumerConfig(kafka, connection),
                List.of(new Evidence(properties.ejabberd().evidenceLookBack())), meters);
        this.sendToEvidence = Timer.builder("chatpipe.worker.evidence.wait")
                .description("From a message's send to its archive row's evidence on chat.deliveries")
                .publishPercentileHistogram().register(meters);
        this.sentAgain = Counter.builder("chatpipe.worker.evidence.missing")
                .description("Messages sent again because no archive row showed for them within the patience")
                .register(meters);
    }

    /**
     * Whether the message has evidence already. Waits up to {@code wait} until the evidence written before
     * the start has been read; a transient failure when it has not, since the answer would not be known.
     */
    boolean stored(MessageId id, Duration wait) throws DeliveryException.Transient, InterruptedException {
        if (!replica.awaitReady(wait)) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            throw new DeliveryException.Transient("the evidence on " + Topics.DELIVERIES.name()
                    + " is not read up to where it was at the start yet");
        }
        return evidenced.containsKey(id);
    }

    /**
     * Waits until each of the messages has evidence, up to {@code patience} in all; returns those that
     * have none by then, in their order.
     */
    List<Sent> awaitStored(List<Sent> sent, Duration patience) throws InterruptedException {
        var ids = new ArrayList<MessageId>(sent.size());
        var waiting = new ArrayList<CompletableFuture<Void>>(sent.size());
        for (Sent message : sent) {
            MessageId id = message.id();
            ids.add(id);
            waiting.add(waitFor(id));
        }
        long deadline = System.nanoTime() + patience.toNanos();
        List<Sent> missing = new ArrayList<>();
        for (int i = 0; i < sent.size(); i++) {
            Sent message = sent.get(i);
            CompletableFuture<Void> evidence = waiting.get(i);
            try {
                evidence.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                Long seenAt = evidenced.get(ids.get(i));
                // evidence read before this send returned was for an earlier copy: this one was not timed
                if (seenAt != null && seenAt >= message.sentAt()) {
                    sendToEvidence.record(seenAt - message.sentAt(), TimeUnit.NANOSECONDS);
                }
            } catch (TimeoutException e) {
                waiters.remove(ids.get(i), evidence);
                missing.add(message);
            } catch (ExecutionException e) {
                throw new IllegalStateException("evidence completes with no failure", e);
            }
        }
        sentAgain.increment(missing.size());
        return missing;
    }

    /** Done once the message has evidence: a waiter registered first, then the evidence checked, so none is missed. */
    private CompletableFuture<Void> waitFor(MessageId id) {
        if (evidenced.containsKey(id)) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> evidence = waiters.computeIfAbsent(id, key -> new CompletableFuture<>());
        if (evidenced.containsKey(id)) {
            waiters.remove(id, evidence);
            evidence.complete(null);
        }
        return evidence;
    }

    @Override
    public void start() {
        replica.start();
    }

    /**
     * {@code chat.deliveries} as evidence is read from it: keys not parsed (they do not matter here), and values
     * parsed only when they may be evidence; the others read as null.
     */
    private static final Topic<byte[], DeliveryAttempted> EVIDENCE = new Topic<>(Topics.DELIVERIES.name(),
            Serdes.ByteArray(), Serdes.serdeFrom(Topics.DELIVERIES.values().serializer(), (topic, value) ->
                    mayBeEvidence(value) ? Topics.DELIVERIES.values().deserializer().deserialize(topic, value) : null));

    /** The evidence of the last {@code evidence-look-back} and on, counted for readiness as a book. */
    private final class Evidence implements TopicFollower<byte[], DeliveryAttempted> {

        private final Duration lookBack;

        Evidence(Duration lookBack) {
            this.lookBack = lookBack;
        }

        @Override
        public Topic<byte[], DeliveryAttempted> topic() {
            return EVIDENCE;
        }

        @Override
        public boolean fromBeginning() {
            return true;
        }

        @Override
        public Optional<Duration> lookBack() {
            return Optional.of(lookBack);
        }

        @Override
        public void accept(byte[] key, DeliveryAttempted attempted) {
            take(attempted);
        }
    }

    /** Notes the record's evidence, if it is any, and wakes whoever waits for it. */
    private void take(DeliveryAttempted attempted) {
        if (attempted == null || attempted.outcome() == null || !attempted.outcome().evidence()) {
            return;
        }
        MessageId id = attempted.messageId();
        if (evidenced.putIfAbsent(id, System.nanoTime()) == null) {
            order.addLast(id);
            if (order.size() > REMEMBERED) {
                evidenced.remove(order.removeFirst());
            }
        }
        CompletableFuture<Void> waiter = waiters.remove(id);
        if (waiter != null) {
            waiter.complete(null);
        }
    }

    /**
     * Whether the record's JSON names the archive as where it was seen. Most records on the topic are the
     * workers' own outcomes: a byte search passes over them without parsing each one.
     */
    static boolean mayBeEvidence(byte[] value) {
        if (value == null) {
            return false;
        }
        outer:
        for (int i = 0, last = value.length - ARCHIVE_NAME.length; i <= last; i++) {
            for (int j = 0; j < ARCHIVE_NAME.length; j++) {
                if (value[i + j] != ARCHIVE_NAME[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    @Override
    public void stop() {
        replica.stop();
    }

    @Override
    public boolean isRunning() {
        return replica.isRunning();
    }

    /** Before the dispatcher, which starts in the default (last) phase, and stopped after it. */
    @Override
    public int getPhase() {
        return 0;
    }
}
