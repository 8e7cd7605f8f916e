package io.chatpipe.api.live;

import io.chatpipe.events.Topic;

/**
 * Something that follows one topic through this instance's {@link KafkaTail}: each of the topic's records,
 * in partition order, from the topic's beginning (a book of what the topic says, complete before this
 * instance serves anyone) or from its end as of this instance's start (live updates).
 */
public interface TopicFollower<K, V> {

    Topic<K, V> topic();

    /** Whether to read the topic from its beginning, and be caught up before the service starts. */
    boolean fromBeginning();

    /**
     * Whether no record of the topic can be of use now (no session open here). The tail then skips its records
     * unread, key and all, and while it stays idle does not fetch the topic at all (live topics only). Asked
     * for each record and before each poll; a follower that becomes busy misses nothing written after, as
     * {@link KafkaTail} says.
     */
    default boolean idle() {
        return false;
    }

    /**
     * Whether the record under this key is of any use now, called on the tail's thread just before
     * {@link #accept}; when not, its value is not even read. Chat messages with nobody here to tell are
     * most of them, and reading each one's JSON was a third of this service's CPU under batch ingestion.
     */
    default boolean wants(K key) {
        return true;
    }

    /** One record, called on the tail's thread only. A record that cannot be read never gets here. */
    void accept(K key, V value);
}
