package io.chatpipe.worker.dispatch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
 * its key ({@link KeyQueues}), and commits what is done ({@link OffsetTracker}). When a partition has
 * its share of the records allowed to wait, reading it pauses (the consumer keeps polling, so it stays
 * in the group).
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

    private final ConsumerFactory<byte[], byte[]> consumers;

    private final String topic;

    private final String groupId;

    private final String name;

    private final int maxBuffered;

    private final Duration commitInterval;

    private final KeyQueues queues;

    private final OffsetTracker offsets = new OffsetTracker();

    private volatile boolean running;

    private Thread loop;

    private Consumer<byte[], byte[]> consumer;

    private volatile boolean paused;

    /** Why the dispatcher's thread ended on its own, if it did. */
    private volatile RuntimeException failure;

    /**
     * @param maxBuffered how many records received and not yet done it holds before it pauses fetching
     * @param commitInterval how often it commits the offsets of the records done
     * @param name names the dispatcher's threads and log lines
     */
    public KeyOrderedDispatcher(ConsumerFactory<byte[], byte[]> rawConsumerFactory, String topic, String groupId,
                                RecordHandler handler, int maxBuffered, Duration commitInterval, String name) {
        this.consumers = rawConsumerFactory;
        this.topic = topic;
        this.groupId = groupId;
        this.queues = new KeyQueues(handler, name);
        this.maxBuffered = maxBuffered;
        this.commitInterval = commitInterval;
        this.name = name;
    }

    @Override
    public synchronized void start() {
        running = true;
        queues.open();
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
                loop.join(OffsetTracker.DRAIN.plusSeconds(10).toMillis());
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
                        queues.add(record, offsets.received(record));
                    }
                } catch (WakeupException e) {
                    // stop() asked: the loop condition ends it
                }
                applyBackPressure();
                if (System.nanoTime() - lastCommit >= commitInterval.toNanos()) {
                    offsets.commitInBackground(consumer);
                    lastCommit = System.nanoTime();
                }
            }
        } catch (RuntimeException e) {
            failure = e;
            log.error("The {} dispatcher failed; this instance handles no more {} records", name, topic, e);
        } finally {
            queues.abandonAll();
            try {
                offsets.close(consumer);
            } finally {
                consumer.close();
            }
        }
    }

    /** Down once the dispatcher's thread has failed: the instance then reads nothing more. */
    @Override
    public Health health() {
        Health.Builder health = failure == null ? Health.up() : Health.down().withException(failure);
        return health.withDetail("topic", topic).withDetail("waiting", offsets.waiting())
                .withDetail("paused", paused).build();
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
        int share = Math.max(1, maxBuffered / assigned.size());
        Set<TopicPartition> pausedNow = consumer.paused();
        List<TopicPartition> pause = new ArrayList<>();
        List<TopicPartition> resume = new ArrayList<>();
        for (TopicPartition partition : assigned) {
            int waiting = offsets.waiting(partition);
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

    /** Runs inside poll(), on the dispatcher's thread. */
    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            offsets.revoked(consumer, revoked);
            log.info("{}: partitions revoked: {}", name, revoked);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> lost) {
            offsets.lost(lost);
            log.warn("{}: partitions lost: {}", name, lost);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
            log.info("{}: partitions assigned: {}", name, assigned);
        }
    }
}
