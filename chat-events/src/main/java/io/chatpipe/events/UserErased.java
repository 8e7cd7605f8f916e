package io.chatpipe.events;

import java.time.Instant;

/**
 * Every message from or to a user accepted up to {@code erasedAt} is to be forgotten: history removes them
 * from its stores, and drops them again whenever it reads them (a rebuild, a redelivery). Messages the user
 * exchanges after {@code erasedAt} are kept.
 *
 * @param requestedBy the name of the API key that asked, for the record
 */
public record UserErased(int schema, UserId userId, Instant erasedAt, String requestedBy) implements ChatEvent {

    public static UserErased of(UserId userId, Instant erasedAt, String requestedBy) {
        return new UserErased(SCHEMA_VERSION, userId, erasedAt, requestedBy);
    }

    /** Whether this erasure covers the message: one of its users is the erased user, and it is not newer. */
    public boolean covers(MessageAccepted message) {
        return (userId.equals(message.fromId()) || userId.equals(message.toId()))
                && !message.acceptedAt().isAfter(erasedAt);
    }
}
