package io.chatpipe.events;

import java.time.Instant;

/** A message that can never be delivered, with the reason, so nothing is dropped silently. */
public record MessageDeadLettered(int schema, MessageAccepted message, String reason, Instant at)
        implements ChatEvent {

    public static MessageDeadLettered of(MessageAccepted message, String reason, Instant at) {
        return new MessageDeadLettered(SCHEMA_VERSION, message, reason, at);
    }
}
