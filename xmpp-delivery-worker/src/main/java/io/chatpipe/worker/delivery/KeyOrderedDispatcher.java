package io.chatpipe.worker.delivery;

import io.chatpipe.worker.config.WorkerProperties;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.ConsumerFactory;

/**
 * Reads a topic ({@code chat.messages}, {@code chat.contacts}) and hands each record to the
 * {@link RecordHandler} in key order: the records of one key (a conversation, a contact list's owner)
 * one after the other, different keys at the same time, so that a slow or failing conversation holds
 * up nobody else on its partition.
 *
 * <p>One thread owns the Kafka consumer: it polls, queues each record behind the earlier records of
 * its key, and commits. Each key with queued records has a virtual thread working through them, handing
 * the handler those waiting, up to {@link #MAX_ROUND}, at a time; the handler may take those that arrive
 * while it works ({@link KeyRecords#take}). A
 * partition's committed offset is its lowest record not yet done, so an offset is committed only once
 * the record and every record before it on the partition has its outcome in Kafka. When a partition
 * has its share of the records allowed to wait, reading it pauses (the consumer keeps polling, so it
 * stays in the group).
 *
 * <p>When a partition is revoked, its records still waiting are dropped and the attempts under way
 * are awaited; what is done is committed, and the partition's new owner starts after it.
 */
public class KeyOrderedDispatcher implements SmartLifecycle, HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(KeyOrderedDispatcher.class);

    private static final Duration POLL = Duration.ofMillis(100);

    /**
     * The most records of one key handed over at once: enough that a conversation's backlog goes in
     * a few rounds, few enough that one round does not hold a delivery slot for long.
     */
    public static final int MAX_ROUND = 32;

    /** How long a revoke or a stop waits for the attempts under way. */
    private static final Duration DRAIN = Duration.ofSeconds(15);

    private final ConsumerFactory<byte[], byte[]> consumers;

    private final String topic;

    private final String groupId;

    private final String name;

    private final RecordHandler handler;

    private final WorkerProperties.Consumer settings;

    private final Map<String, KeyQueue> queues = new HashMap<>();

    private final Map<TopicPartition, PartitionProgress> partitions = new ConcurrentHashMap<>();

    private volatile boolean running;

    private volatile boolean stopping;

    private Thread loop;

    private Consumer<byte[], byte[]> consumer;

    private volatile boolean paused;

    /** Why the dispatcher's thread ended on its own, if it did. */
    private volatile RuntimeException failure;

    /**
     * @param name names the dispatcher's threads and log lines
     */
    public KeyOrderedDispatcher(ConsumerFactory<byte[], byte[]> rawConsumerFactory, String topic, String groupId,
                                RecordHandler handler, WorkerProperties.Consumer settings, String name) {
        this.consumers = rawConsumerFactory;
        this.topic = topic;
        this.groupId = groupId;
        this.handler = handler;
        this.settings = settings;
        this.name = name;
    }

    @Override
    public synchronized void start() {
        running = true;
        stopping = false;
        consumer = consumers.createConsumer(groupId, name);
        consumer.subscribe(List.of(topic), new Rebalance());
        loop = Thread.ofPlatform().name(name + "-dispatcher").start(this::run);
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (loop != null) {
            consumer.wakeup();
            try {
                loop.join(DRAIN.plusSeconds(10).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            loop = null;
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void run() {
        long lastCommit = 0;
        try {
            while (running) {
                try {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                        dispatch(record);
                    }
                } catch (WakeupException e) {
                    // stop() asked: the loop condition ends it
                }
                applyBackPressure();
                if (System.nanoTime() - lastCommit >= settings.commitInterval().toNanos()) {
                    commitInBackground();
                    lastCommit = System.nanoTime();
                }
            }
        } catch (RuntimeException e) {
            failure = e;
            log.error("The {} dispatcher failed; this instance handles no more {} records", name, topic, e);
        } finally {
            stopping = true;
            awaitAttempts(partitions.values());
            try {
                commit(partitions.values());
            } finally {
                consumer.close();
            }
        }
    }

    /** Down once the dispatcher's thread has failed: the instance then reads nothing more. */
    @Override
    public Health health() {
        Health.Builder health = failure == null ? Health.up() : Health.down().withException(failure);
        return health.withDetail("topic", topic).withDetail("waiting",
                        partitions.values().stream().mapToInt(PartitionProgress::waiting).sum())
                .withDetail("paused", paused).build();
    }

    private void dispatch(ConsumerRecord<byte[], byte[]> record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        PartitionProgress progress = partitions.computeIfAbsent(partition, PartitionProgress::new);
        progress.received(record.offset());
        String key = record.partition() + "/" + (record.key() == null ? "@" + record.offset()
                : new String(record.key(), StandardCharsets.UTF_8));
        synchronized (queues) {
            KeyQueue queue = queues.computeIfAbsent(key, k -> new KeyQueue());
            queue.records.add(new Queued(record, progress));
            if (queue.arrival != null) {
                queue.arrival.complete(null);
                queue.arrival = null;
            }
            if (!queue.draining) {
                queue.draining = true;
                Thread.ofVirtual().name(name + "-", 0).start(() -> drain(key, queue));
            }
        }
    }

    /** Works through one key's records in order, a round of those waiting at a time, until its queue is empty. */
    private void drain(String key, KeyQueue queue) {
        while (true) {
            List<Queued> round = new ArrayList<>();
            synchronized (queues) {
                while (round.size() < MAX_ROUND && !queue.records.isEmpty()) {
                    round.add(queue.records.poll());
                }
                if (round.isEmpty()) {
                    queue.draining = false;
                    queues.remove(key);
                    return;
                }
            }
            process(round, queue);
        }
    }

    /**
     * One round of a key's records, all of one partition, with those of the key and partition the
     * handler takes as they arrive; each one done is marked so for the commit.
     */
    private void process(List<Queued> round, KeyQueue queue) {
        PartitionProgress progress = round.getFirst().progress;
        BooleanSupplier abandoned = () -> stopping || progress.revoked;
        var left = new ArrayList<ConsumerRecord<byte[], byte[]>>(round.size());
        round.forEach(queued -> left.add(queued.record));
        KeyRecords records = new KeyRecords() {
            @Override
            public List<ConsumerRecord<byte[], byte[]>> records() {
                return List.copyOf(left);
            }

            @Override
            public List<ConsumerRecord<byte[], byte[]>> take(int max) {
                var taken = new ArrayList<ConsumerRecord<byte[], byte[]>>();
                synchronized (queues) {
                    while (taken.size() < max && !queue.records.isEmpty()
                            && queue.records.peek().progress == progress) {
                        taken.add(queue.records.poll().record);
                    }
                }
                left.addAll(taken);
                return taken;
            }

            @Override
            public CompletableFuture<?> next() {
                synchronized (queues) {
                    if (queue.records.isEmpty()) {
                        if (queue.arrival == null) {
                            queue.arrival = new CompletableFuture<>();
                        }
                        return queue.arrival;
                    }
                    // records of the partition's next assignment are the next round's
                    return queue.records.peek().progress == progress
                            ? CompletableFuture.completedFuture(null) : new CompletableFuture<>();
                }
            }

            @Override
            public void done(ConsumerRecord<byte[], byte[]> record) {
                progress.done(record.offset());
                left.remove(record);
            }

            @Override
            public boolean abandoned() {
                return abandoned.getAsBoolean();
            }
        };
        progress.attempts.incrementAndGet();
        try {
            while (!left.isEmpty() && !abandoned.getAsBoolean()) {
                try {
                    handler.handle(records);
                } catch (RuntimeException e) {
                    // Kafka could not take a dead letter, for instance: what is not done is tried again
                    ConsumerRecord<byte[], byte[]> first = left.getFirst();
                    log.warn("Record {}-{}@{} failed, trying again: {}", first.topic(), first.partition(),
                            first.offset(), e.toString());
                    Thread.sleep(1000);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            progress.attempts.decrementAndGet();
        }
    }

    /**
     * Pauses reading a partition while it has its share of {@code maxBuffered} records waiting, and
     * resumes it once half of them are done. A share each, so that a backlog read partition by partition
     * does not fill the buffer from one partition and leave the conversations of the others idle.
     */
    private void applyBackPressure() {
        Set<TopicPartition> assigned = consumer.assignment();
        if (assigned.isEmpty()) {
            return;
        }
        int share = Math.max(1, settings.maxBuffered() / assigned.size());
        Set<TopicPartition> pausedNow = consumer.paused();
        List<TopicPartition> pause = new ArrayList<>();
        List<TopicPartition> resume = new ArrayList<>();
        for (TopicPartition partition : assigned) {
            PartitionProgress progress = partitions.get(partition);
            int waiting = progress == null ? 0 : progress.waiting();
            if (!pausedNow.contains(partition) && waiting >= share) {
                pause.add(partition);
            } else if (pausedNow.contains(partition) && waiting <= share / 2) {
                resume.add(partition);
            }
        }
        if (!pause.isEmpty()) {
            consumer.pause(pause);
            log.debug("pausing {}: {} records waiting each", pause, share);
        }
        if (!resume.isEmpty()) {
            consumer.resume(resume);
        }
        paused = !consumer.paused().isEmpty();
    }

    /**
     * The periodic commit: sent, and the loop goes on polling. Waiting for the coordinator's answer here held up
     * the records arriving meanwhile, a few milliseconds in every commit interval. A commit that fails is made
     * again at the next interval (the offsets only grow); on revocation and at the end, {@link #commit} waits.
     */
    private void commitInBackground() {
        Map<TopicPartition, OffsetAndMetadata> offsets = committable(partitions.values());
        if (!offsets.isEmpty()) {
            consumer.commitAsync(offsets, (sent, e) -> {
                if (e == null) {
                    sent.forEach(this::committed);
                } else {
                    log.warn("Could not commit {}, trying again: {}", sent, e.toString());
                }
            });
        }
    }

    /** Commits what is done in these partitions, and waits for it. */
    private void commit(Collection<PartitionProgress> progresses) {
        Map<TopicPartition, OffsetAndMetadata> offsets = committable(progresses);
        if (offsets.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(offsets);
            offsets.forEach(this::committed);
        } catch (WakeupException e) {
            // stop() asked while committing: the final commit tries again
            commit(progresses);
        } catch (KafkaException e) {
            log.warn("Could not commit {}, trying again: {}", offsets, e.toString());
        }
    }

    /** Each partition's offset that is done and not yet committed. */
    private static Map<TopicPartition, OffsetAndMetadata> committable(Collection<PartitionProgress> progresses) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (PartitionProgress progress : progresses) {
            long committable = progress.committable();
            if (committable > progress.committed) {
                offsets.put(progress.partition, new OffsetAndMetadata(committable));
            }
        }
        return offsets;
    }

    private void committed(TopicPartition partition, OffsetAndMetadata offset) {
        PartitionProgress progress = partitions.get(partition);
        if (progress != null && offset.offset() > progress.committed) {
            progress.committed = offset.offset();
        }
    }

    private static void awaitAttempts(Collection<PartitionProgress> progresses) {
        long deadline = System.nanoTime() + DRAIN.toNanos();
        for (PartitionProgress progress : progresses) {
            while (progress.attempts.get() > 0 && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Runs inside poll(), on the dispatcher's thread. */
    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            List<PartitionProgress> leaving = stopWorkingOn(revoked);
            awaitAttempts(leaving);
            commit(leaving);
            revoked.forEach(partitions::remove);
            log.info("{}: partitions revoked: {}", name, revoked);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> lost) {
            stopWorkingOn(lost);
            lost.forEach(partitions::remove);
            log.warn("{}: partitions lost: {}", name, lost);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
            log.info("{}: partitions assigned: {}", name, assigned);
        }

        /** Their waiting records are dropped and their attempts stop at the next chance. */
        private List<PartitionProgress> stopWorkingOn(Collection<TopicPartition> taken) {
            List<PartitionProgress> leaving = taken.stream().map(partitions::get)
                    .filter(java.util.Objects::nonNull).toList();
            leaving.forEach(progress -> progress.revoked = true);
            return leaving;
        }
    }

    private record Queued(ConsumerRecord<byte[], byte[]> record, PartitionProgress progress) {
    }

    private static final class KeyQueue {
        final ArrayDeque<Queued> records = new ArrayDeque<>();
        boolean draining;
        /** Completed when the next record arrives, for a handler waiting on it; guarded by {@code queues}. */
        CompletableFuture<Void> arrival;
    }
}
