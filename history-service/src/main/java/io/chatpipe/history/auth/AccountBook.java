package io.chatpipe.history.auth;

import io.chatpipe.events.AccountRegistered;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import io.chatpipe.history.config.HistoryProperties;
import io.chatpipe.kafka.TopicReplica;
import io.chatpipe.kafka.TopicTable;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The password hashes of chat accounts, as {@code chat.accounts} holds them (the api-service writes it), read
 * from its beginning and followed, only when credentials are required. A user's first registration in the
 * partition's order is the account, as in the api-service.
 */
@Component
class AccountBook extends TopicTable<UserId, AccountRegistered> implements SmartLifecycle {

    private final boolean required;
    private final TopicReplica replica;

    AccountBook(KafkaProperties kafka, KafkaConnectionDetails connection, HistoryProperties properties,
            MeterRegistry meters) {
        super(Topics.ACCOUNTS);
        this.required = properties.auth().required();
        Map<String, Object> config = TopicReplica.consumerConfig(kafka, connection);
        // as history's other readers outside Kafka Streams: committed transactions only
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.replica = new TopicReplica("history.accounts", config, List.of(this), meters);
    }

    /** The account's encoded password hash, once this instance has read the accounts. */
    Optional<String> passwordHash(UserId user) {
        return find(user).map(AccountRegistered::passwordHash);
    }

    /** Waits until every account written before this instance started has been read. */
    boolean awaitReady(Duration timeout) {
        return replica.awaitReady(timeout);
    }

    @Override
    public void accept(UserId key, AccountRegistered account) {
        if (account.userId() != null && account.passwordHash() != null) {
            keepFirst(account.userId(), account);
        }
    }

    @Override
    public void start() {
        if (required) {
            replica.start();
        }
    }

    @Override
    public void stop() {
        replica.stop();
    }

    @Override
    public boolean isRunning() {
        return replica.isRunning();
    }

    @Override
    public int getPhase() {
        return replica.getPhase();
    }
}
