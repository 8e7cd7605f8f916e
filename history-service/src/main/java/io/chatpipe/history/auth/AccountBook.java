package io.chatpipe.history.auth;

import io.chatpipe.events.AccountRegistered;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import io.chatpipe.history.config.HistoryProperties;
import io.chatpipe.history.config.TopicReaders;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The password hashes of chat accounts, as {@code chat.accounts} holds them (the api-service writes it), read
 * from its beginning and followed, only when credentials are required. A user's first registration in the
 * partition's order is the account, as in the api-service.
 */
@Component
class AccountBook implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AccountBook.class);

    private static final Duration POLL = Duration.ofMillis(500);

    private final TopicReaders readers;
    private final boolean required;
    private final Map<UserId, String> hashes = new ConcurrentHashMap<>();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile Thread follower;

    AccountBook(TopicReaders readers, HistoryProperties properties) {
        this.readers = readers;
        this.required = properties.auth().required();
    }

    /** The account's encoded password hash, once this instance has read the accounts. */
    Optional<String> passwordHash(UserId user) {
        return Optional.ofNullable(hashes.get(user));
    }

    /** Waits until every account written before this instance started has been read. */
    boolean awaitReady(Duration timeout) {
        try {
            return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void start() {
        if (required) {
            // set before the thread runs: follow() reads it as "keep going", and a thread started first could
            // see null, end at once, and leave this instance answering 503 for good
            Thread thread = Thread.ofPlatform().name("history-accounts").daemon().unstarted(this::follow);
            follower = thread;
            thread.start();
        }
    }

    @Override
    public void stop() {
        KafkaConsumer<byte[], byte[]> running = consumer;
        Thread thread = follower;
        follower = null;
        if (running != null) {
            running.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return follower != null;
    }

    private void follow() {
        try (var accounts = readers.consumer("chatpipe-history-accounts")) {
            consumer = accounts;
            List<TopicPartition> partitions = awaitPartitions(accounts);
            accounts.assign(partitions);
            accounts.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = accounts.endOffsets(partitions);
            while (follower != null) {
                for (ConsumerRecord<byte[], byte[]> record : accounts.poll(POLL)) {
                    read(record);
                }
                if (caughtUp.getCount() > 0 && partitions.stream().allMatch(p -> accounts.position(p) >= ends.get(p))) {
                    log.info("Read {} chat accounts from {}", hashes.size(), Topics.ACCOUNTS.name());
                    caughtUp.countDown();
                }
            }
        } catch (WakeupException e) {
            // stopping
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("Stopped reading {}: users cannot log in to history until a restart", Topics.ACCOUNTS.name(), e);
        }
    }

    /** The partitions of chat.accounts, once the api-service has created it. */
    private List<TopicPartition> awaitPartitions(KafkaConsumer<byte[], byte[]> accounts) throws InterruptedException {
        while (follower != null) {
            var infos = accounts.listTopics(POLL.multipliedBy(10)).get(Topics.ACCOUNTS.name());
            if (infos != null && !infos.isEmpty()) {
                return infos.stream().map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            }
            log.debug("{} does not exist yet", Topics.ACCOUNTS.name());
            Thread.sleep(POLL.toMillis());
        }
        throw new WakeupException();
    }

    private void read(ConsumerRecord<byte[], byte[]> record) {
        try {
            AccountRegistered account = Topics.ACCOUNTS.values().deserializer().deserialize(record.topic(),
                    record.value());
            if (account != null && account.userId() != null && account.passwordHash() != null) {
                hashes.putIfAbsent(account.userId(), account.passwordHash());
            }
        } catch (SerializationException e) {
            log.warn("Skipping unreadable account record {}-{}@{}", record.topic(), record.partition(),
                    record.offset());
        }
    }
}
