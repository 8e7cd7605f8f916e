package io.chatpipe.history.topology;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.UserId;

/**
 * One participant's view of one conversation, kept in the conversation's task.
 *
 * @param horizonOffset  offset of the last message the user has read, -1 before any
 * @param pendingHorizon a message the user read that history has not recorded yet (arrival order across
 *                       topics is not guaranteed), or null
 * @param unread         messages to the user after the horizon
 * @param last           the conversation's newest message, or null before the first
 */
public record ReaderState(long horizonOffset, MessageId pendingHorizon, int unread, RecordedMessage last) {

    static final ReaderState NEW = new ReaderState(-1, null, 0, null);

    InboxEntry inboxEntry(ConversationId conversation, UserId user) {
        UserId with = conversation.first().equals(user) ? conversation.second() : conversation.first();
        return new InboxEntry(user, conversation, with, last, unread);
    }
}
