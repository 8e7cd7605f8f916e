package io.chatpipe.worker.ejabberd;

import io.chatpipe.events.DeliveryAttempted;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.Topics;
import io.chatpipe.worker.config.ConditionalOnBackend;
import io.chatpipe.worker.config.WorkerProperties;
import io.chatpipe.worker.config.WorkerProperties.Backend;
import io.chatpipe.worker.config.WorkerProperties.ConfirmBy;
import io.chatpipe.worker.delivery.DeliveryBackend.Sent;
import io.chatpipe.worker.delivery.DeliveryException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * What the recipients' archives show, as capture writes it to {@code chat.deliveries}: the messages
 * whose archive row was seen (STORED), or that a client of the recipient said it received or read
 * (RECEIVED, READ, which imply the row). The evidence with which
 * {@code chatpipe.worker.ejabberd.confirm-by=archive} counts a message delivered.
 *
 * <p>One reader per worker, on a thread of its own: every partition assigned (no consumer group, nothing
 * committed), from {@code evidence-look-back} before the start by record time, so that a message stored
 * before a restart is known when its record is read again. It keeps the ids of the messages with evidence,
 * the most recent {@link #REMEMBERED} of them, and wakes whoever waits for one.
 */
@Component
@ConditionalOnBackend(value = Backend.EJABBERD_API, confirmBy = ConfirmBy.ARCHIVE)
class ArchiveEvidence implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ArchiveEvidence.class);

    /** Message ids remembered, about 25 MB: ten minutes of evidence at over 300 messages a second. */
    static final int REMEMBERED = 200_000;

    private static final Duration POLL = Duration.ofMillis(200);

    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(5);

    /** The {@code backend} of evidence, as it is in the record's JSON. */
    private static final byte[] ARCHIVE_NAME = ('"' + DeliveryAttempted.ARCHIVE + '"').getBytes(StandardCharsets.UTF_8);

    private final Map<String, Object> config;

    private final Duration lookBack;

    /** Each message with evidence, and when its first evidence was read ({@link System#nanoTime()}). */
    private final ConcurrentHashMap<MessageId, Long> evidenced = new ConcurrentHashMap<>();

    /** The same ids, oldest first; the reader's thread only. */
    private final ArrayDeque<MessageId> order = new ArrayDeque<>();

    private final ConcurrentHashMap<MessageId, CompletableFuture<Void>> waiters = new ConcurrentHashMap<>();

    /** Done once the records written before the start have been read. */
    private final CompletableFuture<Void> caughtUp = new CompletableFuture<>();

    private final Timer sendToEvidence;

    private final Counter sentAgain;

    private volatile boolean running;

    private KafkaConsumer<byte[], byte[]> consumer;

    private Thread thread;

    ArchiveEvidence(KafkaProperties kafka, WorkerProperties properties, MeterRegistry meters) {
        this.lookBack = properties.ejabberd().evidenceLookBack();
        Map<String, Object> consumerConfig = kafka.buildConsumerProperties();
        // assigned partitions, no group: each worker reads all the evidence, and nothing is left on the broker
        consumerConfig.remove(ConsumerConfig.GROUP_ID_CONFIG);
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerConfig.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        consumerConfig.put(ConsumerConfig.CLIENT_ID_CONFIG, "xmpp-delivery-worker-evidence-" + UUID.randomUUID());
        this.config = consumerConfig;
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
        try {
            caughtUp.get(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new DeliveryException.Transient("the evidence on " + Topics.DELIVERIES.name()
                    + " is not read up to where it was at the start yet");
        } catch (ExecutionException e) {
            throw new IllegalStateException("the catch-up completes with no failure", e);
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
        consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        running = true;
        thread = Thread.ofPlatform().name("archive-evidence").start(this::run);
    }

    private void run() {
        try {
            Map<TopicPartition, Long> startEnds = assign();
            while (running) {
                try {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                        take(record);
                    }
                    if (!caughtUp.isDone() && startEnds.entrySet().stream()
                            .allMatch(end -> consumer.position(end.getKey(), METADATA_TIMEOUT) >= end.getValue())) {
                        log.info("Read the evidence on {} since {} before the start: {} messages stored",
                                Topics.DELIVERIES.name(), lookBack, evidenced.size());
                        caughtUp.complete(null);
                    }
                } catch (WakeupException e) {
                    return;
                } catch (RuntimeException e) {
                    // the broker away for a while: the positions stay, and the reading goes on from them
                    log.warn("Reading the evidence on {} failed, retrying: {}", Topics.DELIVERIES.name(), e.toString());
                    sleep();
                }
            }
        } catch (WakeupException e) {
            // stopped while assigning
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /**
     * Assigns every partition, each from its first record at or after the look-back (or its end); returns
     * each one's end as of now. Retries until Kafka answers.
     */
    private Map<TopicPartition, Long> assign() {
        boolean warned = false;
        while (true) {
            try {
                List<PartitionInfo> infos = consumer.partitionsFor(Topics.DELIVERIES.name(), METADATA_TIMEOUT);
                if (infos == null || infos.isEmpty()) {
                    throw new IllegalStateException("topic " + Topics.DELIVERIES.name() + " does not exist (yet)");
                }
                List<TopicPartition> partitions = infos.stream()
                        .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
                consumer.assign(partitions);
                Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, METADATA_TIMEOUT);
                Map<TopicPartition, Long> since = new HashMap<>();
                long from = System.currentTimeMillis() - lookBack.toMillis();
                partitions.forEach(partition -> since.put(partition, from));
                Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(since, METADATA_TIMEOUT);
                for (TopicPartition partition : partitions) {
                    OffsetAndTimestamp first = found.get(partition);
                    consumer.seek(partition, first != null ? first.offset() : ends.get(partition));
                }
                return ends;
            } catch (WakeupException e) {
                throw e;
            } catch (RuntimeException e) {
                if (!warned) {
                    log.warn("Cannot read {} yet, retrying until Kafka answers: {}", Topics.DELIVERIES.name(),
                            e.toString());
                    warned = true;
                }
                sleep();
            }
        }
    }

    /** Notes the record's evidence, if it is any, and wakes whoever waits for it. */
    private void take(ConsumerRecord<byte[], byte[]> record) {
        if (!mayBeEvidence(record.value())) {
            return;
        }
        DeliveryAttempted attempted;
        try {
            attempted = Topics.DELIVERIES.values().deserializer().deserialize(record.topic(), record.value());
        } catch (RuntimeException e) {
            log.warn("Skipped unreadable record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                    e.toString());
            return;
        }
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

    private static void sleep() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void stop() {
        if (!running) {
            return;
        }
        running = false;
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Before the dispatcher, which starts in the default (last) phase, and stopped after it. */
    @Override
    public int getPhase() {
        return 0;
    }
}
