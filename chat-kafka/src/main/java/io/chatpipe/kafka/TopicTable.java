package io.chatpipe.kafka;

import io.chatpipe.events.Topic;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest value of each key of a compacted topic, read from its beginning by a {@link TopicReplica}: the
 * table every instance keeps of accounts, webhook endpoints and the like. A subclass names the topic and adds
 * the questions its service asks; one whose first record per key wins overrides {@link #accept}.
 */
public abstract class TopicTable<K, V> implements TopicFollower<K, V> {

    private final Topic<K, V> topic;
    private final Map<K, V> values = new ConcurrentHashMap<>();

    protected TopicTable(Topic<K, V> topic) {
        this.topic = topic;
    }

    @Override
    public final Topic<K, V> topic() {
        return topic;
    }

    @Override
    public final boolean fromBeginning() {
        return true;
    }

    /** Keeps the latest value of the key (tombstones never reach a follower). */
    @Override
    public void accept(K key, V value) {
        values.put(key, value);
    }

    /** Keeps the key's first value: later ones lost a race that every instance sees in the same order. */
    protected final void keepFirst(K key, V value) {
        values.putIfAbsent(key, value);
    }

    public Optional<V> find(K key) {
        return Optional.ofNullable(values.get(key));
    }

    /** What the table holds now; changes as records arrive. */
    protected Collection<V> values() {
        return values.values();
    }

    /** Forgets the key ahead of its tombstone, which followers never see. */
    public void forget(K key) {
        values.remove(key);
    }
}
