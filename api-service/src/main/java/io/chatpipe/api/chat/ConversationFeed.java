package io.chatpipe.api.chat;

import io.chatpipe.kafka.TopicFollower;
import io.chatpipe.events.ConversationId;

/**
 * A live topic keyed by conversation, of use only to the sessions open here of the conversation's users: with
 * no session open its records are skipped unread, and of the rest only those of such a conversation are read.
 */
interface ConversationFeed<V> extends TopicFollower<ConversationId, V> {

    /** The sessions this feed tells. */
    SessionRegistry sessions();

    @Override
    default boolean fromBeginning() {
        return false;
    }

    @Override
    default boolean idle() {
        return sessions().noneOpen();
    }

    @Override
    default boolean wants(ConversationId key) {
        return sessions().anyOpen(key);
    }
}
