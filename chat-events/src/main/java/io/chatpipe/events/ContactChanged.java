package io.chatpipe.events;

import java.time.Instant;

/**
 * A user added someone to their contacts (seed 003's ADD_CONTACT) or removed them (UNSUBSCRIBE). A user's
 * contacts are the replay of their changes in order; a user follows the presence of their contacts.
 *
 * @param owner   whose contact list changed
 * @param contact who was added or removed
 */
public record ContactChanged(int schema, UserId owner, UserId contact, Change change, Instant at)
        implements ChatEvent {

    public enum Change {
        ADDED,
        REMOVED
    }

    public static ContactChanged added(UserId owner, UserId contact, Instant at) {
        return new ContactChanged(SCHEMA_VERSION, owner, contact, Change.ADDED, at);
    }

    public static ContactChanged removed(UserId owner, UserId contact, Instant at) {
        return new ContactChanged(SCHEMA_VERSION, owner, contact, Change.REMOVED, at);
    }
}
