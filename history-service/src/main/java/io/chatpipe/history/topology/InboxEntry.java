package io.chatpipe.history.topology;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.UserId;

/**
 * One conversation in a user's inbox: the newest message and how many messages to the user are unread.
 *
 * @param with   the other participant
 * @param last   the conversation's newest message
 * @param unread messages to {@code user} after their read horizon
 */
public record InboxEntry(UserId user, ConversationId conversationId, UserId with, RecordedMessage last, int unread) {
}
