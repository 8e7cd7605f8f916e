package io.chatpipe.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.events.AccountRegistered;
import io.chatpipe.events.Topic;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import io.chatpipe.testsupport.KafkaBroker;
import io.chatpipe.testsupport.TopicRecords;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

/** A replica holds what a compacted topic said before it started, and what is written to it afterwards. */
class TopicReplicaTests {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final Topic<UserId, AccountRegistered> accounts = new Topic<>("replica-tests-" + UUID.randomUUID(),
            Topics.ACCOUNTS.keys(), Topics.ACCOUNTS.values());

    @Test
    void isReadyOnceItHasReadWhatTheTopicHeldAtItsStart() {
        TopicRecords.create(accounts);
        for (int i = 0; i < 20; i++) {
            write(account("before-" + i));
        }
        Book book = new Book(accounts);
        TopicReplica replica = replica(book);
        replica.start();
        try {
            assertThat(replica.awaitReady(WAIT)).isTrue();
            assertThat(replica.isReady()).isTrue();
            assertThat(book.held).hasSize(20);
        } finally {
            replica.stop();
        }
    }

    @Test
    void awaitsARecordWrittenAfterItStarted() {
        TopicRecords.create(accounts);
        Book book = new Book(accounts);
        TopicReplica replica = replica(book);
        replica.start();
        try {
            assertThat(replica.awaitReady(WAIT)).isTrue();
            RecordMetadata written = write(account("after"));

            assertThat(replica.awaitRead(accounts, written.partition(), written.offset(), WAIT)).isTrue();
            assertThat(book.held).containsKey(UserId.of("after"));
            assertThat(replica.awaitUntil(() -> book.held.containsKey(UserId.of("after")), WAIT)).isTrue();
        } finally {
            replica.stop();
        }
    }

    @Test
    void waitsForATopicThatDoesNotExistYet() {
        Book book = new Book(accounts);
        TopicReplica replica = replica(book);
        replica.start();
        try {
            assertThat(replica.awaitReady(Duration.ofSeconds(1))).isFalse();
            TopicRecords.create(accounts);
            write(account("first"));
            assertThat(replica.awaitUntil(() -> book.held.containsKey(UserId.of("first")), WAIT)).isTrue();
        } finally {
            replica.stop();
        }
    }

    @Test
    void readsToWhereTheBooksEndWhenAsked() {
        TopicRecords.create(accounts);
        Book book = new Book(accounts);
        TopicReplica replica = replica(book);
        replica.start();
        try {
            for (int i = 0; i < 10; i++) {
                write(account("later-" + i));
            }
            assertThat(replica.awaitEnd(WAIT)).isTrue();
            assertThat(book.held).hasSize(10);
        } finally {
            replica.stop();
        }
    }

    @Test
    void isReadyWithoutABookThatNeedNotExistAndReadsItOnceItDoes() {
        TopicRecords.create(accounts);
        write(account("present"));
        Topic<UserId, AccountRegistered> later = new Topic<>("replica-tests-later-" + UUID.randomUUID(),
                accounts.keys(), accounts.values());
        Book book = new Book(accounts);
        Book optional = new Book(later, new ConcurrentHashMap<>(), false);
        TopicReplica replica = new TopicReplica("tests", config(), List.of(book, optional), new SimpleMeterRegistry());
        replica.start();
        try {
            assertThat(replica.awaitReady(WAIT)).isTrue();
            assertThat(book.held).containsKey(UserId.of("present"));

            TopicRecords.create(later);
            TopicRecords.write(later, UserId.of("late"), account("late"));
            assertThat(replica.awaitUntil(() -> optional.held.containsKey(UserId.of("late")), WAIT)).isTrue();
        } finally {
            replica.stop();
        }
    }

    @Test
    void readsATopicOnceToWhereItEndedWhenTheReadStarted() {
        TopicRecords.create(accounts);
        List<RecordMetadata> written = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            written.add(write(account("once-" + i)));
        }
        List<ConsumerRecord<UserId, AccountRegistered>> read = new ArrayList<>();
        TopicReplica.readToEnd("tests-once", config(), accounts, record -> {
            if (read.isEmpty()) {
                write(account("written-while-reading"));
            }
            read.add(record);
        }, WAIT);

        assertThat(read).extracting(record -> record.key().value())
                .containsExactlyInAnyOrder("once-0", "once-1", "once-2", "once-3", "once-4");
        assertThat(read).extracting(record -> record.partition() + "@" + record.offset())
                .containsExactlyInAnyOrderElementsOf(written.stream()
                        .map(metadata -> metadata.partition() + "@" + metadata.offset()).toList());
    }

    @Test
    void readsNothingOfATopicThatDoesNotExist() {
        List<ConsumerRecord<UserId, AccountRegistered>> read = new ArrayList<>();
        TopicReplica.readToEnd("tests-once", config(), accounts, read::add, WAIT);
        assertThat(read).isEmpty();
    }

    private TopicReplica replica(Book book) {
        return new TopicReplica("tests", config(), List.of(book), new SimpleMeterRegistry());
    }

    private static Map<String, Object> config() {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers());
        // as consumerConfig sets it: a topic is not created by reading it
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        return config;
    }

    private RecordMetadata write(AccountRegistered account) {
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers());
        try (var producer = new KafkaProducer<>(config, accounts.keys().serializer(), accounts.values().serializer())) {
            return producer.send(new ProducerRecord<>(accounts.name(), account.userId(), account)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static AccountRegistered account(String user) {
        return AccountRegistered.of(UserId.of(user), "hash", Instant.now());
    }

    /** The first registration of each user, as the services keep accounts. */
    private record Book(Topic<UserId, AccountRegistered> topic, Map<UserId, AccountRegistered> held,
            boolean requiresTopic) implements TopicFollower<UserId, AccountRegistered> {

        Book(Topic<UserId, AccountRegistered> topic) {
            this(topic, new ConcurrentHashMap<>(), true);
        }

        @Override
        public boolean fromBeginning() {
            return true;
        }

        @Override
        public void accept(UserId key, AccountRegistered value) {
            held.putIfAbsent(key, value);
        }
    }
}
