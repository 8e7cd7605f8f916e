package io.chatpipe.worker.provisioning;

import io.chatpipe.events.Topic;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import io.chatpipe.events.UserProvisioned;
import io.chatpipe.kafka.TopicFollower;
import io.chatpipe.kafka.TopicReplica;
import io.chatpipe.worker.config.WorkerProperties;
import io.chatpipe.worker.dispatch.DeliveryException;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * CreateOrGetUser: makes sure a user has an XMPP account before a message is sent from or to it,
 * and records the mapping in the compacted {@code chat.users} topic.
 *
 * <p>An existing account is used as it is: its password is never overwritten. An account created
 * here gets the password derived from the server key ({@link PasswordKey}), so its user can log in
 * with any XMPP client, and the user id as its vCard nickname.
 *
 * <p>Users seen are remembered (bounded, least recently used forgotten first), starting with what
 * {@code chat.users} holds when the worker starts: a restart neither asks the server again nor
 * records an account it created as merely existing.
 */
@Component
public class UserProvisioner implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(UserProvisioner.class);

    private final XmppAccounts accounts;

    private final KafkaTemplate<UserId, UserProvisioned> users;

    private final TopicReplica loader;

    private final PasswordKey passwords;

    private final String domain;

    /** Users provisioned already, and whether chatpipe created their account. */
    private final Map<UserId, Boolean> known;

    private volatile boolean running;

    /** As long as a start waited for Kafka's answers before (the consumer's default API timeout). */
    private static final Duration LOAD_TIMEOUT = Duration.ofSeconds(60);

    private final Object[] stripes = new Object[64];

    UserProvisioner(XmppAccounts accounts, KafkaTemplate<UserId, UserProvisioned> users, KafkaProperties kafka,
                    KafkaConnectionDetails connection, MeterRegistry meters, PasswordKey passwords,
                    WorkerProperties properties) {
        this.accounts = accounts;
        this.users = users;
        this.loader = new TopicReplica("worker.users", TopicReplica.consumerConfig(kafka, connection),
                List.of(new KnownUsers()), meters);
        this.passwords = passwords;
        this.domain = properties.xmppDomain();
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new Object();
        }
        int capacity = properties.users().cacheSize();
        this.known = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<UserId, Boolean> eldest) {
                return size() > capacity;
            }
        });
    }

    /** Creates the user's account when it does not exist, and waits until chat.users has the mapping. */
    public void provision(UserId user) throws DeliveryException {
        if (known.get(user) != null) {
            return;
        }
        // one provisioning of a user at a time: two would record both created and existing, and
        // race each other's lookups on the server
        synchronized (stripes[Math.floorMod(user.hashCode(), stripes.length)]) {
            if (known.get(user) == null) {
                create(user);
            }
        }
    }

    private void create(UserId user) throws DeliveryException {
        String password = passwords.passwordOf(user);
        // the nickname shows the id as the application wrote it: the localpart is XEP-0106-escaped
        boolean created = accounts.createIfAbsent(user, password, user.value());
        String jid = user.jid(domain);
        users.send(Topics.USERS.name(), user, UserProvisioned.of(user, jid, created, Instant.now())).join();
        known.put(user, created);
        log.info("{} is {} ({})", user, jid, created ? "created" : "existing account");
    }

    /**
     * Whether chatpipe created the user's account, as far as this instance knows: true, false, or null
     * when the user was not provisioned (or was forgotten).
     */
    public Boolean created(UserId user) {
        return known.get(user);
    }

    /** Reads chat.users to its end, before any message is delivered. */
    @Override
    public void start() {
        loader.start();
        try {
            if (!loader.awaitReady(LOAD_TIMEOUT)) {
                throw new IllegalStateException(Topics.USERS.name() + " was not read to its end within " + LOAD_TIMEOUT);
            }
        } finally {
            loader.stop();
        }
        log.info("{} users known from {}", known.size(), Topics.USERS.name());
        running = true;
    }

    @Override
    public void stop() {
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Before the dispatcher, which starts in the default (last) phase. */
    @Override
    public int getPhase() {
        return 0;
    }

    /** The users chat.users holds, as the worker starts. */
    private final class KnownUsers implements TopicFollower<UserId, UserProvisioned> {

        @Override
        public Topic<UserId, UserProvisioned> topic() {
            return Topics.USERS;
        }

        @Override
        public boolean fromBeginning() {
            return true;
        }

        @Override
        public void accept(UserId key, UserProvisioned user) {
            known.merge(user.userId(), user.created(), Boolean::logicalOr);
        }
    }
}
