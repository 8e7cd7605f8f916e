package io.chatpipe.capture.users;

import io.chatpipe.capture.archive.CaptureRules;
import io.chatpipe.events.Topic;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import io.chatpipe.kafka.TopicFollower;
import io.chatpipe.kafka.TopicReplica;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * chatpipe's users, as capture must know them to tell a reply to one of them from traffic between other
 * users of the same XMPP server: the keys of the compacted topics {@code chat.users} (provisioned by the
 * worker) and {@code chat.accounts} (chat accounts), read from the beginning and followed. A topic that does
 * not exist yet (capture starts before the services that declare them) is read once it does.
 *
 * <p>{@link #knows} answers from what has been read, and before it says no it reads up to the topics' ends,
 * unless it already has since the row was archived: a user provisioned a moment before their first reply is
 * known, and a flood of rows to users nobody provisioned costs one look at the topics' ends a second at most.
 */
@Component
public class KnownUsers implements CaptureRules.Users, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(KnownUsers.class);

    /** Allowance for the XMPP server's clock against this one's, in comparing a row's time with a catch-up's. */
    private static final Duration CLOCK_SKEW = Duration.ofSeconds(1);

    private static final Duration CATCH_UP = Duration.ofSeconds(10);

    private final Set<String> users = ConcurrentHashMap.newKeySet();

    private final TopicReplica replica;

    /** When the last catch-up began: everything written to the topics before then has been read. */
    private volatile Instant caughtUpAsOf = Instant.EPOCH;

    KnownUsers(KafkaProperties kafka, KafkaConnectionDetails connection, MeterRegistry meters) {
        this.replica = new TopicReplica("capture.users", TopicReplica.consumerConfig(kafka, connection),
                List.of(new Keys<>(Topics.USERS), new Keys<>(Topics.ACCOUNTS)), meters);
    }

    @Override
    public boolean knows(UserId user, Instant archivedAt) {
        if (users.contains(user.value())) {
            return true;
        }
        if (archivedAt.plus(CLOCK_SKEW).isAfter(caughtUpAsOf)) {
            Instant began = Instant.now();
            if (replica.awaitEnd(CATCH_UP)) {
                caughtUpAsOf = began;
            } else {
                log.warn("Known users: not caught up with {} and {} within {}", Topics.USERS.name(),
                        Topics.ACCOUNTS.name(), CATCH_UP);
            }
        }
        return users.contains(user.value());
    }

    @Override
    public boolean caughtUpOnce() {
        return replica.isReady();
    }

    @Override
    public void start() {
        replica.start();
    }

    @Override
    public void stop() {
        replica.stop();
    }

    @Override
    public boolean isRunning() {
        return replica.isRunning();
    }

    /** Before capture starts and after it stops. */
    @Override
    public int getPhase() {
        return 0;
    }

    /** The keys of one of the topics: only which users exist matters here, so values are never read. */
    private final class Keys<V> implements TopicFollower<UserId, V> {

        private final Topic<UserId, V> topic;

        Keys(Topic<UserId, V> topic) {
            this.topic = topic;
        }

        @Override
        public Topic<UserId, V> topic() {
            return topic;
        }

        @Override
        public boolean fromBeginning() {
            return true;
        }

        @Override
        public boolean requiresTopic() {
            return false;
        }

        @Override
        public boolean wants(UserId key) {
            users.add(key.value());
            return false;
        }

        @Override
        public void accept(UserId key, V value) {
            users.add(key.value());
        }
    }
}
