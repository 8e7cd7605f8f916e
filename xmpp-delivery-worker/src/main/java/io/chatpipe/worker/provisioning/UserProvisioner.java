package io.chatpipe.worker.provisioning;

import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import io.chatpipe.events.UserProvisioned;
import io.chatpipe.worker.config.WorkerProperties;
import io.chatpipe.worker.delivery.DeliveryException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * CreateOrGetUser: makes sure a user has an XMPP account before a message is sent from or to it,
 * and records the mapping in the compacted {@code chat.users} topic.
 *
 * <p>An existing account is used as it is: its password is never overwritten. An account we create
 * gets a strong random password that nobody knows yet (how people log into accounts created here is
 * issue 4's business). Users seen once are remembered (bounded), so a message does not cost two
 * {@code check_account} calls.
 */
@Component
public class UserProvisioner {

    private static final Logger log = LoggerFactory.getLogger(UserProvisioner.class);

    private final XmppAccounts accounts;

    private final KafkaTemplate<UserId, UserProvisioned> users;

    private final String domain;

    /** Users provisioned already, least recently used forgotten first. */
    private final Map<UserId, Boolean> known;

    private final SecureRandom random = new SecureRandom();

    UserProvisioner(XmppAccounts accounts, KafkaTemplate<UserId, UserProvisioned> users,
                    WorkerProperties properties) {
        this.accounts = accounts;
        this.users = users;
        this.domain = properties.xmppDomain();
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
        boolean created = !accounts.exists(user) && accounts.register(user, newPassword());
        String jid = user.jid(domain);
        users.send(Topics.USERS.name(), user, UserProvisioned.of(user, jid, created, Instant.now())).join();
        known.put(user, Boolean.TRUE);
        log.info("{} is {} ({})", user, jid, created ? "created" : "existing account");
    }

    private String newPassword() {
        byte[] secret = new byte[24];
        random.nextBytes(secret);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }
}
