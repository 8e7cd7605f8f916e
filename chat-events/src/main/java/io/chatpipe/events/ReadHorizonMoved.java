package io.chatpipe.events;

import java.time.Instant;

/**
 * A user read a conversation up to and including a message: everything sent to them up to it is read.
 * A horizon only moves forward; an older one than the user already has changes nothing.
 *
 * @param lastReadMessageId the newest message the user has read
 */
public record ReadHorizonMoved(
        int schema,
        ConversationId conversationId,
        UserId userId,
        MessageId lastReadMessageId,
        Instant at) implements ChatEvent {

    public static ReadHorizonMoved of(ConversationId conversation, UserId user, MessageId lastRead, Instant at) {
        return new ReadHorizonMoved(SCHEMA_VERSION, conversation, user, lastRead, at);
    }
}
