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
 */
// The conversation's newest message is not kept here (it once was, as "last", which a reader of an older changelog
// ignores): it is the newest key of the conversation in the messages store, and a copy of it in each participant's
// state cost two more full messages written and read for every message.
public record ReaderState(long horizonOffset, MessageId pendingHorizon, int unread) {

    static final ReaderState NEW = new ReaderState(-1, null, 0);

    /** The user's inbox entry for the conversation, whose newest message is {@code last} (null: none left). */
    InboxEntry inboxEntry(ConversationId conversation, UserId user, RecordedMessage last) {
        UserId with = conversation.first().equals(user) ? conversation.second() : conversation.first();
        return new InboxEntry(user, conversation, with, last, unread);
    }
}
