package io.chatpipe.bench.parts;

import io.chatpipe.events.AccountRegistered;
import io.chatpipe.events.ConversationId;
import io.chatpipe.events.DeliveryAttempted;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.Topic;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserProvisioned;
import io.chatpipe.kafka.TopicFollower;
import io.chatpipe.kafka.TopicReplica;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The bench's own Kafka clients: a backlog producer, readers of what is written from now on (on chat-kafka's
 * replica, as the services read), and consumer-group bookkeeping.
 */
public final class Kafka implements AutoCloseable {

    private final String bootstrapServers;
    private final Admin admin;

    public Kafka(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /** Writes the messages to chat.messages as the api-service would (acks=all, idempotent), and waits for all. */
    public void produce(List<MessageAccepted> messages) {
        produce(Topics.MESSAGES, messages, MessageAccepted::conversationId);
    }

    /** Writes the accounts to chat.accounts as the api-service does on a first login, and waits for all. */
    public void register(List<AccountRegistered> accounts) {
        produce(Topics.ACCOUNTS, accounts, AccountRegistered::userId);
    }

    /**
     * Writes the users to chat.users as the worker does once it has made their XMPP accounts, and waits for all;
     * when no worker has run yet, the topic is made first as the worker declares it (4 partitions, compacted).
     */
    public void provision(List<UserProvisioned> users) throws ExecutionException, InterruptedException {
        ensureTopic(new NewTopic(Topics.USERS.name(), 4, (short) 1).configs(Map.of("cleanup.policy", "compact")));
        produce(Topics.USERS, users, UserProvisioned::userId);
    }

    private <K, V> void produce(Topic<K, V> topic, List<V> values, Function<V, K> key) {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
        try (var producer = new KafkaProducer<>(config, topic.keys().serializer(), topic.values().serializer())) {
            for (V value : values) {
                producer.send(new ProducerRecord<>(topic.name(), key.apply(value), value));
            }
            producer.flush();
        }
    }

    /** Creates the topic when absent (the local broker creates none by itself). */
    public void ensureTopic(String topic, int partitions) throws ExecutionException, InterruptedException {
        ensureTopic(new NewTopic(topic, partitions, (short) 1));
    }

    private void ensureTopic(NewTopic topic) throws ExecutionException, InterruptedException {
        if (!admin.listTopics().names().get().contains(topic.name())) {
            try {
                admin.createTopics(List.of(topic)).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
    }

    /** The size of a message's record value on chat.messages, in bytes. */
    public static int recordSize(MessageAccepted message) {
        return Topics.MESSAGES.values().serializer().serialize(Topics.MESSAGES.name(), message).length;
    }

    /**
     * Moves the group's committed offsets on {@code topic} to its end, so that the group's next consumer
     * starts with what is written from now on. The group must have no running member.
     */
    public void skipToEnd(String group, String topic) throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> ends = new HashMap<>();
        endOffsets(topic).forEach((partition, end) -> ends.put(partition, new OffsetAndMetadata(end)));
        admin.alterConsumerGroupOffsets(group, ends).all().get();
    }

    /** How many records of {@code topic} the group has not committed yet. */
    public long lag(String group, String topic) throws ExecutionException, InterruptedException {
        return total(endOffsets(topic)) - committed(group, topic);
    }

    /** The sum of the group's committed offsets on {@code topic}: what it has processed. */
    public long committed(String group, String topic) throws ExecutionException, InterruptedException {
        long sum = 0;
        for (var entry : admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet()) {
            if (entry.getKey().topic().equals(topic) && entry.getValue() != null) {
                sum += entry.getValue().offset();
            }
        }
        return sum;
    }

    /** How many records {@code topic} holds (all partitions, from offset 0). */
    public long size(String topic) throws ExecutionException, InterruptedException {
        return total(endOffsets(topic));
    }

    /** How many records each topic whose name starts with {@code prefix} holds, by topic (markers included). */
    public Map<String, Long> sizes(String prefix) throws ExecutionException, InterruptedException {
        Map<String, Long> sizes = new TreeMap<>();
        for (String topic : admin.listTopics().names().get()) {
            if (topic.startsWith(prefix)) {
                sizes.put(topic, size(topic));
            }
        }
        return sizes;
    }

    /** Deletes a Kafka Streams application's internal topics and its consumer group, which must have no member. */
    public void deleteApplication(String applicationId) throws ExecutionException, InterruptedException {
        List<String> internal = admin.listTopics().names().get().stream()
                .filter(topic -> topic.startsWith(applicationId + "-")).toList();
        admin.deleteTopics(internal).all().get();
        admin.deleteConsumerGroups(List.of(applicationId)).all().get();
    }

    private Map<TopicPartition, Long> endOffsets(String topic) throws ExecutionException, InterruptedException {
        int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(latest).all().get().forEach((partition, info) -> ends.put(partition, info.offset()));
        return ends;
    }

    private static long total(Map<TopicPartition, Long> offsets) {
        return offsets.values().stream().mapToLong(Long::longValue).sum();
    }

    /** A reader of chat.deliveries from its current end: the outcomes of what is delivered from now on. */
    public Deliveries deliveriesFromNow() {
        return new Deliveries(fromNow(Topics.DELIVERIES, (outcome, timestamp) -> outcome));
    }

    /** A reader of chat.messages from its current end: what is accepted or captured from now on. */
    public Messages messagesFromNow() {
        return new Messages(fromNow(Topics.MESSAGES,
                (message, timestamp) -> new Messages.Written(message, Instant.ofEpochMilli(timestamp))));
    }

    /** What is written to {@code topic} after this call, read by a replica of every partition of it. */
    private <K, V, T> Arrivals<K, V, T> fromNow(Topic<K, V> topic, BiFunction<V, Long, T> arrival) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        var arrivals = new Arrivals<>(topic, arrival);
        arrivals.replica = new TopicReplica("bench." + topic.name(), config, List.of(arrivals),
                new SimpleMeterRegistry());
        arrivals.replica.start();
        // ready once it has found the topic's end: what is written from now on is read
        if (!arrivals.replica.awaitReady(Duration.ofSeconds(30))) {
            arrivals.close();
            throw new IllegalStateException("cannot read " + topic.name() + " at " + bootstrapServers);
        }
        return arrivals;
    }

    @Override
    public void close() {
        admin.close();
    }

    /** Messages as they are written to chat.messages, each with its record's timestamp (when it was written). */
    public static final class Messages implements AutoCloseable {

        private final Arrivals<ConversationId, MessageAccepted, Written> arrivals;

        Messages(Arrivals<ConversationId, MessageAccepted, Written> arrivals) {
            this.arrivals = arrivals;
        }

        /** The messages written since the last call, waiting up to {@code timeout} for some. */
        public List<Written> poll(Duration timeout) {
            return arrivals.poll(timeout);
        }

        @Override
        public void close() {
            arrivals.close();
        }

        /** A message and when its record was written. */
        public record Written(MessageAccepted message, Instant at) {
        }
    }

    /** Delivery outcomes as they are written. */
    public static final class Deliveries implements AutoCloseable {

        private final Arrivals<ConversationId, DeliveryAttempted, DeliveryAttempted> arrivals;

        Deliveries(Arrivals<ConversationId, DeliveryAttempted, DeliveryAttempted> arrivals) {
            this.arrivals = arrivals;
        }

        /** The outcomes written since the last call, waiting up to {@code timeout} for some. */
        public List<DeliveryAttempted> poll(Duration timeout) {
            return arrivals.poll(timeout);
        }

        /** True when the outcome is the server's acceptance of one of {@code ids}. */
        public static boolean acceptedOneOf(DeliveryAttempted outcome, Collection<MessageId> ids) {
            return outcome.outcome() == DeliveryAttempted.Outcome.ACCEPTED && ids.contains(outcome.messageId());
        }

        @Override
        public void close() {
            arrivals.close();
        }
    }

    /** The records of a topic its replica read, each as the caller wants it, until the caller takes them. */
    private static final class Arrivals<K, V, T> implements TopicFollower<K, V>, AutoCloseable {

        private final Topic<K, V> topic;
        private final BiFunction<V, Long, T> arrival;
        private final LinkedBlockingQueue<T> arrived = new LinkedBlockingQueue<>();
        private TopicReplica replica;

        Arrivals(Topic<K, V> topic, BiFunction<V, Long, T> arrival) {
            this.topic = topic;
            this.arrival = arrival;
        }

        @Override
        public Topic<K, V> topic() {
            return topic;
        }

        @Override
        public boolean fromBeginning() {
            return false;
        }

        @Override
        public void accept(K key, V value) {
            throw new UnsupportedOperationException("handed records with their timestamps");
        }

        @Override
        public void accept(K key, V value, long timestamp) {
            arrived.add(arrival.apply(value, timestamp));
        }

        /** What arrived since the last call, waiting up to {@code timeout} for something. */
        List<T> poll(Duration timeout) {
            List<T> taken = new ArrayList<>();
            try {
                T first = arrived.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (first != null) {
                    taken.add(first);
                    arrived.drainTo(taken);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return taken;
        }

        @Override
        public void close() {
            replica.stop();
        }
    }
}
