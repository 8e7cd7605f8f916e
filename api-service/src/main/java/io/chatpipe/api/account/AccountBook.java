package io.chatpipe.api.account;

import io.chatpipe.events.AccountRegistered;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import io.chatpipe.kafka.TopicTable;
import org.springframework.stereotype.Component;

/**
 * Every account, as {@code chat.accounts} says, read from its beginning before this instance serves anyone.
 * A user's registrations share a partition (same key), so they have one order everywhere: the first wins,
 * on every instance, and a later one lost a race between two first logins.
 */
@Component
class AccountBook extends TopicTable<UserId, AccountRegistered> {

    AccountBook() {
        super(Topics.ACCOUNTS);
    }

    @Override
    public void accept(UserId key, AccountRegistered registration) {
        keepFirst(registration.userId(), registration);
    }
}
