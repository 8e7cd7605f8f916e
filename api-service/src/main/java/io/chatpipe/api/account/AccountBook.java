package io.chatpipe.api.account;

import io.chatpipe.kafka.TopicFollower;
import io.chatpipe.events.AccountRegistered;
import io.chatpipe.events.Topic;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Every account, as {@code chat.accounts} says, read from its beginning before this instance serves anyone.
 * A user's registrations share a partition (same key), so they have one order everywhere: the first wins,
 * on every instance, and a later one lost a race between two first logins.
 */
@Component
class AccountBook implements TopicFollower<UserId, AccountRegistered> {

    private final Map<UserId, AccountRegistered> accounts = new ConcurrentHashMap<>();

    @Override
    public Topic<UserId, AccountRegistered> topic() {
        return Topics.ACCOUNTS;
    }

    @Override
    public boolean fromBeginning() {
        return true;
    }

    @Override
    public void accept(UserId key, AccountRegistered registration) {
        accounts.putIfAbsent(registration.userId(), registration);
    }

    Optional<AccountRegistered> find(UserId user) {
        return Optional.ofNullable(accounts.get(user));
    }
}
