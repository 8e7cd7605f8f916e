package io.chatpipe.events;

import java.time.Instant;

/**
 * A user's sessions on one api-service instance came or went: {@code online} when the first of them
 * opened there, not online when the last one closed. A user is online while any instance says so.
 *
 * @param instanceId the api-service instance that holds (or held) the sessions
 */
public record PresenceChanged(int schema, UserId userId, String instanceId, boolean online, Instant at)
        implements ChatEvent {

    public static PresenceChanged of(UserId userId, String instanceId, boolean online, Instant at) {
        return new PresenceChanged(SCHEMA_VERSION, userId, instanceId, online, at);
    }
}
