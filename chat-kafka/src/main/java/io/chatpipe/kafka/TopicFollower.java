package io.chatpipe.kafka;

import io.chatpipe.events.Topic;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Something that follows one topic through a {@link TopicReplica}: each of the topic's records,
 * in partition order, from the topic's beginning (a book of what the topic says, complete before this
 * instance serves anyone) or from its end as of this instance's start (live updates).
 */
public interface TopicFollower<K, V> {

    Topic<K, V> topic();

    /** Whether to read the topic from its beginning, and be caught up before the service starts. */
    boolean fromBeginning();

    /**
     * For a topic read from its beginning: how far back from the replica's start, by record time, to read it
     * instead; the whole topic when empty (the default). Recent evidence, say, need not be read from the first.
     */
    default Optional<Duration> lookBack() {
        return Optional.empty();
    }

    /**
     * Whether the replica waits for the topic to exist before it reads anything (the default). A book that need
     * not exist (another service declares it, and may start later) counts as empty until it does, and is then
     * read from its beginning.
     */
    default boolean requiresTopic() {
        return true;
    }

    /**
     * Whether no record of the topic can be of use now (no session open here). The replica then skips its records
     * unread, key and all, and while it stays idle does not fetch the topic at all (live topics only). Asked
     * for each record and before each poll; a follower that becomes busy misses nothing written after, as
     * {@link TopicReplica} says.
     */
    default boolean idle() {
        return false;
    }

    /**
     * Whether the record under this key is of any use now, called on the replica's thread just before
     * {@link #accept}; when not, its value is not even read (chat messages with nobody here to tell are most
     * of them, and reading each one's JSON was a third of the api-service's CPU under batch ingestion).
     */
    default boolean wants(K key) {
        return true;
    }

    /** One record, called on the replica's thread only. A record that cannot be read never gets here. */
    void accept(K key, V value);

    /**
     * One record with the time it was written (its Kafka timestamp, epoch millis), for a follower that judges
     * records by their age; the others need not know it.
     */
    default void accept(K key, V value, long timestamp) {
        accept(key, value);
    }

    /**
     * One record with where it is (partition, offset) as well, for a follower that names where a record came
     * from; the others need not know it. The replica calls this one.
     */
    default void accept(ConsumerRecord<K, V> record) {
        accept(record.key(), record.value(), record.timestamp());
    }
}
