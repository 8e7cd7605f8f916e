package io.chatpipe.capture.users;

import io.chatpipe.capture.archive.CaptureRules;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * chatpipe's users, as capture must know them to tell a reply to one of them from traffic between other
 * users of the same XMPP server: the keys of the compacted topics {@code chat.users} (provisioned by the
 * worker) and {@code chat.accounts} (chat accounts), read from the beginning and followed.
 *
 * <p>{@link #knows} answers from what has been read, and before it says no it reads up to the topics' ends,
 * unless it already has since the row was archived: a user provisioned a moment before their first reply is
 * known, and a flood of rows to users nobody provisioned costs one look at the topics' ends a second at most.
 */
@Component
public class KnownUsers implements CaptureRules.Users, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(KnownUsers.class);

    private static final List<String> TOPICS = List.of(Topics.USERS.name(), Topics.ACCOUNTS.name());

    private final Set<String> users = ConcurrentHashMap.newKeySet();

    private final KafkaConsumer<byte[], byte[]> consumer;

    private final Object progress = new Object();

    /** Read positions, as of the last poll: what "caught up" is measured against. */
    private volatile Map<TopicPartition, Long> positions = Map.of();

    private volatile Thread reader;

    private volatile boolean running;

    private volatile boolean caughtUpOnce;

    /** The topics' ends when capture started: read up to them, it knows every user it can be asked about. */
    private Map<TopicPartition, Long> endsAtStart = Map.of();

    KnownUsers(KafkaProperties kafka) {
        Map<String, Object> config = kafka.buildConsumerProperties();
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "capture-known-users");
        this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Allowance for the XMPP server's clock against this one's, in comparing a row's time with a catch-up's. */
    private static final Duration CLOCK_SKEW = Duration.ofSeconds(1);

    /** When the last catch-up began: everything written to the topics before then has been read. */
    private volatile Instant caughtUpAsOf = Instant.EPOCH;

    @Override
    public boolean knows(UserId user, Instant archivedAt) {
        if (users.contains(user.value())) {
            return true;
        }
        if (archivedAt.plus(CLOCK_SKEW).isAfter(caughtUpAsOf)) {
            Instant began = Instant.now();
            if (awaitCaughtUp(Duration.ofSeconds(10))) {
                caughtUpAsOf = began;
            }
        }
        return users.contains(user.value());
    }

    /** Waits until every record written before this call has been read (true), or the timeout passes. */
    boolean awaitCaughtUp(Duration timeout) {
        Map<TopicPartition, Long> ends;
        synchronized (consumer) {
            assignNewPartitions();
            ends = consumer.endOffsets(consumer.assignment(), timeout);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (!reached(ends) && running) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    log.warn("Known users: not caught up with {} within {}", TOPICS, timeout);
                    return false;
                }
                try {
                    progress.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return reached(ends);
    }

    private boolean reached(Map<TopicPartition, Long> ends) {
        Map<TopicPartition, Long> read = positions;
        return ends.entrySet().stream().allMatch(end -> read.getOrDefault(end.getKey(), 0L) >= end.getValue());
    }

    /** Whether everything the topics held when capture started has been read. */
    public boolean caughtUpOnce() {
        return caughtUpOnce;
    }

    @Override
    public void start() {
        synchronized (consumer) {
            assignNewPartitions();
            endsAtStart = consumer.endOffsets(consumer.assignment());
        }
        running = true;
        reader = Thread.ofPlatform().daemon().name("known-users").start(this::read);
    }

    /**
     * Assigns the topics' partitions not yet assigned, from their beginning: a topic that does not exist yet
     * (the service that declares it has not started) is picked up once it does.
     */
    private void assignNewPartitions() {
        var assigned = new java.util.HashSet<>(consumer.assignment());
        var added = TOPICS.stream()
                .flatMap(topic -> consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                        .map(info -> new TopicPartition(topic, info.partition())))
                .filter(partition -> !assigned.contains(partition))
                .toList();
        if (!added.isEmpty()) {
            assigned.addAll(added);
            consumer.assign(assigned);
            consumer.seekToBeginning(added);
        }
    }

    private void read() {
        long nextLookForPartitions = System.nanoTime();
        try {
            while (running) {
                Map<TopicPartition, Long> read;
                synchronized (consumer) {
                    if (System.nanoTime() - nextLookForPartitions >= 0) {
                        assignNewPartitions();
                        nextLookForPartitions = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                    }
                    var records = consumer.assignment().isEmpty()
                            ? org.apache.kafka.clients.consumer.ConsumerRecords.<byte[], byte[]>empty()
                            : consumer.poll(Duration.ofMillis(200));
                    for (ConsumerRecord<byte[], byte[]> record : records) {
                        if (record.key() != null && record.value() != null) {
                            try {
                                users.add(Topics.USERS.keys().deserializer().deserialize(record.topic(), record.key())
                                        .value());
                            } catch (RuntimeException e) {
                                log.warn("Known users: skipped an unreadable key at {}-{}@{}", record.topic(),
                                        record.partition(), record.offset());
                            }
                        }
                    }
                    read = new HashMap<>();
                    for (TopicPartition partition : consumer.assignment()) {
                        read.put(partition, consumer.position(partition));
                    }
                }
                positions = Map.copyOf(read);
                if (read.isEmpty()) {
                    Thread.sleep(200);   // no topic to read yet
                }
                caughtUpOnce = caughtUpOnce || reached(endsAtStart);
                synchronized (progress) {
                    progress.notifyAll();
                }
            }
        } catch (WakeupException | InterruptException | InterruptedException e) {
            // stopping
        } catch (RuntimeException e) {
            log.error("Known users: reading {} failed; capture cannot tell chatpipe's users any more", TOPICS, e);
            running = false;
        }
    }

    @Override
    public void stop() {
        running = false;
        consumer.wakeup();
        Thread thread = reader;
        if (thread != null) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (consumer) {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Before capture starts and after it stops. */
    @Override
    public int getPhase() {
        return 0;
    }
}
