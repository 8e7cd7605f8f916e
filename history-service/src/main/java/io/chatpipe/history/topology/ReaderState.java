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

    /**
     * The key of a user's state in a conversation in {@link HistoryTopology#READERS_STORE}: the user id first, so
     * that a user's conversations in one task are one key range (their part of the user's inbox).
     */
    static String key(UserId user, ConversationId conversation) {
        return ConversationStore.key(user.value(), conversation.value());
    }

    /** The user's inbox entry for the conversation, whose newest message is {@code last}. */
    InboxEntry inboxEntry(ConversationId conversation, UserId user, RecordedMessage last) {
        UserId with = conversation.first().equals(user) ? conversation.second() : conversation.first();
        return new InboxEntry(user, conversation, with, last, unread);
    }
}
