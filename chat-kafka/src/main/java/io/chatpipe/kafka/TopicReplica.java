package io.chatpipe.kafka;

import io.chatpipe.events.Topic;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;

/**
 * An instance's own copy of some topics: it assigns itself every partition (no consumer group: each instance
 * reads everything, nothing is committed), reads the books (compacted tables such as accounts, contacts,
 * users) from the beginning and the live topics from their end as of the start, and hands each record to its
 * {@link TopicFollower}.
 *
 * <p>It reads on its own thread, and keeps trying while Kafka is away. Callers wait until it is
 * {@linkplain #awaitReady ready} (the books read as far as they went when it started), until it has
 * {@linkplain #awaitRead read a given record}, e.g. one they have just written, or until
 * {@linkplain #awaitUntil something its followers keep} holds.
 *
 * <p>A live topic whose follower is {@linkplain TopicFollower#idle idle} (no session open here) is not read
 * at all: an instance that only takes REST requests does not fetch every message and outcome to skip it. When
 * the follower has use for the topic again, the replica goes back to the records written since shortly before
 * it last saw the follower idle (the live look-back, by record time), never before
 * where it stopped. A session opened after that moment sees every record written after it opened; the
 * few older ones it may see too are ones its client already merges by message id.
 *
 * <p>A one-off job (an audit, a redelivery, a replay, a check) reads what it needs once, a {@link TopicRange}
 * ({@link #readToEnd} for a whole topic), instead of keeping a replica.
 */
public class TopicReplica implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TopicReplica.class);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(5);
    /** How long a poll waits: shorter while a live topic is paused, so that a session opening is noticed soon. */
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration POLL_WHILE_PAUSED = Duration.ofMillis(100);
    private static final Duration LOOK_FOR_ABSENT = Duration.ofSeconds(5);

    private final Map<String, TopicFollower<?, ?>> followers = new HashMap<>();
    /** Records fetched of each followed topic, read or skipped: {@code chatpipe.<name>.records.fetched}. */
    private final Map<String, Counter> fetched = new HashMap<>();
    private final String name;
    private final Map<String, Object> config;
    private final Duration liveLookBack;

    /** The live topics, as the replica's thread keeps them (and only it touches them). */
    private final List<LiveTopic> live = new ArrayList<>();

    private final Object progress = new Object();
    /** Next offset to read of each partition, as of the last poll; guarded by {@link #progress}. */
    private final Map<TopicPartition, Long> positions = new HashMap<>();

    /** Where the books ended when they were assigned; guarded by {@link #progress}. */
    private Map<TopicPartition, Long> booksEnd;
    /** The books' partitions assigned so far; guarded by {@link #progress}. */
    private final Set<TopicPartition> books = new HashSet<>();
    /** Books that may be absent and were, to be assigned once they exist; the replica's thread only. */
    private final List<TopicFollower<?, ?>> absent = new ArrayList<>();
    private long nextLookForAbsent;
    /** Asks for the books' ends in {@link #awaitEnd}; created on first use, thread-safe unlike the consumer. */
    private Admin admin;
    /** Guarded by {@link #progress}. */
    private boolean ready;

    private volatile boolean running;
    private KafkaConsumer<byte[], byte[]> consumer;
    private Thread thread;

    /**
     * @param name what the replica is for, e.g. {@code api.live}: its thread, client id and metric say it
     * @param config the consumer's settings, as {@link #consumerConfig} makes them
     * @param liveLookBack how far before it last saw a live topic's follower idle the replica reads it again
     */
    public TopicReplica(String name, Map<String, Object> config, List<? extends TopicFollower<?, ?>> followers,
            Duration liveLookBack, MeterRegistry meters) {
        this.name = name;
        this.liveLookBack = liveLookBack;
        for (TopicFollower<?, ?> follower : followers) {
            String topic = follower.topic().name();
            if (this.followers.putIfAbsent(topic, follower) != null) {
                throw new IllegalStateException("two followers of " + topic);
            }
            fetched.put(topic, Counter.builder("chatpipe." + name + ".records.fetched").tag("topic", topic)
                    .description("Records of the topic this instance's replica fetched, of use or skipped")
                    .register(meters));
        }
        Map<String, Object> named = new HashMap<>(config);
        named.put(ConsumerConfig.CLIENT_ID_CONFIG, "chatpipe-" + name + "-" + UUID.randomUUID());
        this.config = named;
    }

    /** A replica of books only (read from their beginning), as a service keeps its compacted tables. */
    public TopicReplica(String name, Map<String, Object> config, List<? extends TopicFollower<?, ?>> followers,
            MeterRegistry meters) {
        this(name, config, followers, Duration.ZERO, meters);
    }

    /**
     * Reads the topic once, from its beginning to where it ends as this starts, handing each record to
     * {@code each}: a {@link TopicRange} without bounds. A topic that does not exist has none.
     *
     * @param name what the read is for: its client id says it
     * @param config the consumer's settings, as {@link #consumerConfig} makes them
     * @throws org.apache.kafka.common.errors.TimeoutException when the read stalls: nothing more read for
     *         {@code stall} (Kafka away)
     */
    public static <K, V> void readToEnd(String name, Map<String, Object> config, Topic<K, V> topic,
            Consumer<ConsumerRecord<K, V>> each, Duration stall) {
        TopicRange.read(name, config, topic, null, null, stall, each);
    }

    /**
     * The service's consumer settings (spring.kafka.*, its connection details) as a replica reads with them:
     * assigned partitions, no group, nothing committed, no topic created by a read.
     */
    public static Map<String, Object> consumerConfig(KafkaProperties kafka, KafkaConnectionDetails connection) {
        Map<String, Object> consumerConfig = kafka.buildConsumerProperties();
        KafkaConnectionDetails.Configuration consumerConnection = connection.getConsumer();
        consumerConfig.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, consumerConnection.getBootstrapServers());
        if (consumerConnection.getSecurityProtocol() != null) {
            consumerConfig.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, consumerConnection.getSecurityProtocol());
        }
        // assigned partitions, no group: nothing to commit, nothing left behind on the broker
        consumerConfig.remove(ConsumerConfig.GROUP_ID_CONFIG);
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // the topics are declared with their settings (compaction, retention); never created by a read
        consumerConfig.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        return consumerConfig;
    }

    @Override
    public void start() {
        consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        running = true;
        thread = Thread.ofPlatform().name("replica-" + name).start(this::run);
    }

    /**
     * Waits until this instance has read the books to where they ended when it started (until then they are
     * half known). False when that did not happen within the timeout (Kafka away).
     */
    public boolean awaitReady(Duration timeout) {
        return awaitProgress(() -> ready, timeout);
    }

    /**
     * Waits until this instance has read a record, e.g. one it has just written: afterwards its followers
     * know it. False when that did not happen within the timeout.
     */
    public boolean awaitRead(Topic<?, ?> topic, int partition, long offset, Duration timeout) {
        return awaitRead(topic, Map.of(partition, offset), timeout);
    }

    /** Waits until this instance has read each given partition's record at the given offset. */
    public boolean awaitRead(Topic<?, ?> topic, Map<Integer, Long> offsets, Duration timeout) {
        return awaitProgress(() -> offsets.entrySet().stream().allMatch(offset -> positions.getOrDefault(
                new TopicPartition(topic.name(), offset.getKey()), -1L) > offset.getValue()), timeout);
    }

    /**
     * Waits until this instance has read the books up to where they end now: every record written to them
     * before this call is known then. False when that did not happen within the timeout (Kafka away).
     */
    public boolean awaitEnd(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (!awaitReady(timeout)) {
            return false;
        }
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        synchronized (progress) {
            books.forEach(partition -> latest.put(partition, OffsetSpec.latest()));
        }
        Map<TopicPartition, Long> ends = new HashMap<>();
        try {
            admin().listOffsets(latest).all().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)
                    .forEach((partition, info) -> ends.put(partition, info.offset()));
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return awaitProgress(() -> ends.entrySet().stream()
                .allMatch(end -> positions.getOrDefault(end.getKey(), -1L) >= end.getValue()),
                Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }

    private synchronized Admin admin() {
        if (admin == null) {
            Map<String, Object> settings = new HashMap<>(config);
            settings.keySet().retainAll(AdminClientConfig.configNames());
            admin = Admin.create(settings);
        }
        return admin;
    }

    /** Whether the books have been read as far as they went when this replica started. */
    public boolean isReady() {
        synchronized (progress) {
            return ready;
        }
    }

    /**
     * Waits until the condition holds, asked again after each poll (what the followers keep has changed then).
     * False when that did not happen within the timeout.
     */
    public boolean awaitUntil(BooleanSupplier condition, Duration timeout) {
        return awaitProgress(condition, timeout);
    }

    /** Waits, under the progress lock, until the condition holds; false on timeout, stop or interrupt. */
    private boolean awaitProgress(BooleanSupplier reached, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (!reached.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !running) {
                    return false;
                }
                try {
                    progress.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    private void run() {
        try {
            if (!assignAll()) {
                return;
            }
            while (running) {
                ConsumerRecords<byte[], byte[]> records;
                try {
                    assignAbsentBooks();
                    records = consumer.poll(pauseIdleTopics() ? POLL_WHILE_PAUSED : POLL);
                } catch (WakeupException e) {
                    break;
                } catch (RuntimeException e) {
                    // a broker away for a while: keep our positions (and pauses) and try again
                    log.warn("Reading the topics of {} failed, retrying: {}", name, e.toString());
                    sleep();
                    continue;
                }
                records.partitions().forEach(partition ->
                        fetched.get(partition.topic()).increment(records.records(partition).size()));
                records.forEach(this::dispatch);
                synchronized (progress) {
                    consumer.assignment().forEach(partition -> positions.put(partition, consumer.position(partition)));
                    checkReady();
                    progress.notifyAll();
                }
            }
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /**
     * Pauses the live topics whose follower is idle and resumes those whose follower is not any more, from
     * {@code live-look-back} before the follower was last seen idle. A resume that fails (Kafka away) leaves the
     * topic paused, to be tried again before the next poll from the same moment.
     *
     * @return whether a topic is paused now
     */
    private boolean pauseIdleTopics() {
        boolean anyPaused = false;
        for (LiveTopic topic : live) {
            // the time is taken before asking: a session that opens after this moment is after it
            long now = System.currentTimeMillis();
            if (topic.follower.idle()) {
                topic.idleSeenAt = now;
                if (!topic.paused) {
                    consumer.pause(topic.partitions);
                    topic.paused = true;
                }
            } else if (topic.paused) {
                resume(topic.follower.topic().name(), topic.partitions, topic.idleSeenAt - liveLookBack.toMillis());
                topic.paused = false;
            }
            anyPaused |= topic.paused;
        }
        return anyPaused;
    }

    /**
     * Seeks each partition to its first record written at or after {@code since}, or to its end (asked first,
     * so that a record written meanwhile is after it) when there is none, but never back before where the replica
     * stopped reading it; then reads it again.
     */
    private void resume(String topic, List<TopicPartition> partitions, long since) {
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, METADATA_TIMEOUT);
        Map<TopicPartition, Long> times = new HashMap<>();
        partitions.forEach(partition -> times.put(partition, since));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(times, METADATA_TIMEOUT);
        for (TopicPartition partition : partitions) {
            OffsetAndTimestamp first = found.get(partition);
            long from = first != null ? first.offset() : ends.get(partition);
            consumer.seek(partition, Math.max(from, consumer.position(partition, METADATA_TIMEOUT)));
        }
        consumer.resume(partitions);
        log.debug("Reading {} again from {} ms before its followers were last idle", topic, liveLookBack.toMillis());
    }

    /**
     * Assigns every partition of the followed topics, books from their beginning and live topics from their
     * end, and notes where the books end now. Retries while Kafka cannot be reached; false when stopped.
     */
    private boolean assignAll() {
        boolean warned = false;
        while (running) {
            try {
                List<TopicPartition> books = new ArrayList<>();
                List<TopicPartition> fromEnd = new ArrayList<>();
                for (TopicFollower<?, ?> follower : followers.values()) {
                    List<TopicPartition> partitions = follower.requiresTopic()
                            ? partitions(follower.topic().name()) : partitionsIfAny(follower);
                    (follower.fromBeginning() ? books : fromEnd).addAll(partitions);
                    if (!follower.fromBeginning()) {
                        live.add(new LiveTopic(follower, partitions));
                    }
                }
                List<TopicPartition> all = new ArrayList<>(books);
                all.addAll(fromEnd);
                consumer.assign(all);
                // an empty list would mean every assigned partition to the consumer
                if (!books.isEmpty()) {
                    consumer.seekToBeginning(books);
                }
                seekBack(books);
                if (!fromEnd.isEmpty()) {
                    consumer.seekToEnd(fromEnd);
                }
                Map<TopicPartition, Long> ends = consumer.endOffsets(books, METADATA_TIMEOUT);
                synchronized (progress) {
                    // position() resolves the seeks now: a live record written after this line is one we read
                    all.forEach(partition -> positions.put(partition, consumer.position(partition, METADATA_TIMEOUT)));
                    booksEnd = ends;
                    this.books.addAll(books);
                    checkReady();
                    progress.notifyAll();
                }
                log.info("Following {} partitions of the topics of {}", all.size(), name);
                return true;
            } catch (WakeupException e) {
                return false;
            } catch (RuntimeException e) {
                if (!warned) {
                    log.warn("Cannot read the topics of {} yet, retrying until Kafka answers: {}", name, e.toString());
                    warned = true;
                }
                consumer.unsubscribe();
                live.clear();
                absent.clear();
                sleep();
            }
        }
        return false;
    }

    /**
     * Seeks the partitions of books read only from a while back to their first record written since then, or to
     * their end when there is none.
     */
    private void seekBack(List<TopicPartition> books) {
        long now = System.currentTimeMillis();
        Map<TopicPartition, Long> since = new HashMap<>();
        for (TopicPartition partition : books) {
            followers.get(partition.topic()).lookBack()
                    .ifPresent(lookBack -> since.put(partition, now - lookBack.toMillis()));
        }
        if (since.isEmpty()) {
            return;
        }
        Map<TopicPartition, Long> ends = consumer.endOffsets(since.keySet(), METADATA_TIMEOUT);
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(since, METADATA_TIMEOUT);
        since.keySet().forEach(partition -> {
            OffsetAndTimestamp first = found.get(partition);
            consumer.seek(partition, first != null ? first.offset() : ends.get(partition));
        });
    }

    /** The partitions of a book that may be absent: none, noted to be looked for again, when it is. */
    private List<TopicPartition> partitionsIfAny(TopicFollower<?, ?> follower) {
        List<PartitionInfo> infos = consumer.partitionsFor(follower.topic().name(), METADATA_TIMEOUT);
        if (infos == null || infos.isEmpty()) {
            absent.add(follower);
            return List.of();
        }
        return infos.stream().map(info -> new TopicPartition(info.topic(), info.partition())).toList();
    }

    /** Assigns, from their beginning, the books absent so far that exist now; looks every few seconds. */
    private void assignAbsentBooks() {
        if (absent.isEmpty() || System.nanoTime() - nextLookForAbsent < 0) {
            return;
        }
        nextLookForAbsent = System.nanoTime() + LOOK_FOR_ABSENT.toNanos();
        List<TopicPartition> added = new ArrayList<>();
        for (var follower : List.copyOf(absent)) {
            List<PartitionInfo> infos = consumer.partitionsFor(follower.topic().name(), METADATA_TIMEOUT);
            if (infos != null && !infos.isEmpty()) {
                infos.forEach(info -> added.add(new TopicPartition(info.topic(), info.partition())));
                absent.remove(follower);
            }
        }
        if (added.isEmpty()) {
            return;
        }
        Set<TopicPartition> assignment = new HashSet<>(consumer.assignment());
        assignment.addAll(added);
        consumer.assign(assignment);
        consumer.seekToBeginning(added);
        synchronized (progress) {
            added.forEach(partition -> positions.put(partition, consumer.position(partition, METADATA_TIMEOUT)));
            books.addAll(added);
        }
        log.info("Following {} more partitions of the topics of {}, which exist now", added.size(), name);
    }

    /** Under {@link #progress}: whether the books have been read as far as they went at the start. */
    private void checkReady() {
        if (!ready && booksEnd != null && booksEnd.entrySet().stream()
                .allMatch(end -> positions.getOrDefault(end.getKey(), -1L) >= end.getValue())) {
            ready = true;
            log.info("Read the books of {}", name);
        }
    }

    private void dispatch(ConsumerRecord<byte[], byte[]> record) {
        TopicFollower<?, ?> follower = followers.get(record.topic());
        if (record.value() == null || follower.idle()) {
            return;
        }
        dispatch(follower, record);
    }

    private <K, V> void dispatch(TopicFollower<K, V> follower, ConsumerRecord<byte[], byte[]> record) {
        Topic<K, V> topic = follower.topic();
        K key;
        V value;
        try {
            key = topic.keys().deserializer().deserialize(record.topic(), record.key());
            if (!follower.wants(key)) {
                return;
            }
            value = topic.values().deserializer().deserialize(record.topic(), record.value());
        } catch (RuntimeException e) {
            log.warn("Skipped unreadable record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                    e.toString());
            return;
        }
        try {
            follower.accept(TopicRange.typed(record, key, value));
        } catch (RuntimeException e) {
            log.error("Could not apply record {}-{}@{}", record.topic(), record.partition(), record.offset(), e);
        }
    }

    private List<TopicPartition> partitions(String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, METADATA_TIMEOUT);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " does not exist (yet)");
        }
        return infos.stream().map(info -> new TopicPartition(topic, info.partition())).toList();
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
        synchronized (progress) {
            progress.notifyAll();
        }
        synchronized (this) {
            if (admin != null) {
                admin.close(Duration.ofSeconds(2));
                admin = null;
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Before the web server (which starts at {@code Integer.MAX_VALUE - 2048}) and stopped after it. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 4096;
    }

    /** A live topic's partitions, whether they are paused, and when its follower was last seen idle. */
    private static final class LiveTopic {

        final TopicFollower<?, ?> follower;
        final List<TopicPartition> partitions;
        boolean paused;
        long idleSeenAt;

        LiveTopic(TopicFollower<?, ?> follower, List<TopicPartition> partitions) {
            this.follower = follower;
            this.partitions = partitions;
        }
    }
}
