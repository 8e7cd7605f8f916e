package io.chatpipe.events;

import java.time.Instant;

/**
 * A chat account created on its user's first login: the user id and a one-way hash of the password
 * (BCrypt or Argon2, in Spring Security's encoded form, so that the algorithm travels with the hash).
 *
 * <p>The first registration of a user in its partition's order is the account; a later one for the same
 * user lost a race between two first logins and is ignored by every reader.
 *
 * @param passwordHash never the password itself
 */
public record AccountRegistered(int schema, UserId userId, String passwordHash, Instant registeredAt)
        implements ChatEvent {

    public static AccountRegistered of(UserId userId, String passwordHash, Instant registeredAt) {
        return new AccountRegistered(SCHEMA_VERSION, userId, passwordHash, registeredAt);
    }

    /** Without the hash: it has no business in a log. */
    @Override
    public String toString() {
        return "AccountRegistered[userId=" + userId + ", registeredAt=" + registeredAt + "]";
    }
}
