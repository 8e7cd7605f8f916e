package io.chatpipe.api.account;

import io.chatpipe.events.UserId;
import java.time.Duration;

/** What became of a login: in (the account existed, or was created now), or why not. */
public sealed interface Login {

    /** @param created whether this login created the account */
    record Success(UserId user, boolean created) implements Login {
    }

    /**
     * The account exists and the password is not its password; or, from a check that creates no account
     * ({@link Accounts#verify}), there is no such account.
     */
    record WrongPassword(UserId user) implements Login {
    }

    /** The username or password cannot be an account's: the field and what is wrong with it. */
    record Invalid(String field, String detail) implements Login {
    }

    /** Kafka could not be asked or told about the account in time; try again later. */
    record Unavailable(String detail) implements Login {
    }

    /** Too many failed logins of this account or from this address: not checked; try again after a while. */
    record Throttled(Duration retryAfter) implements Login {
    }

    /** Too many passwords are being hashed right now: not checked; try again shortly. */
    record Busy(Duration retryAfter) implements Login {
    }
}
