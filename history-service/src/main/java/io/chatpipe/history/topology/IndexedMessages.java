package io.chatpipe.history.topology;

import io.chatpipe.events.MessageId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsMetrics;
import org.apache.kafka.streams.processor.CommitCallback;
import org.apache.kafka.streams.processor.StateRestoreCallback;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.processor.internals.RecordBatchingStateRestoreCallback;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The messages store's RocksDB, which also answers a message by its id: beside each message it keeps an index
 * entry, the message id under a key of its own ({@link #INDEX} first) pointing at the message's key, that is never
 * sent to the changelog. The changelog holds the messages alone, and the index is derived from them wherever they
 * are written: by the processors, and by Kafka Streams restoring the store (after a kill -9, on a new instance, on
 * a standby replica). A separate store of message ids wrote a second changelog record for every message (half of
 * what a rebuild wrote) to keep what the message itself says.
 *
 * <p>Reading an index key answers the message it points at, so {@code get("\u0001" + id)} on the typed store is
 * the message with that id, or null. Index keys sort before every message key (a conversation id holds no control
 * character) and never appear in a range or a scan. A message key is written once (its conversation and offset name
 * one message), so an index entry is written with its message and removed with it.
 *
 * <p>Restoring goes through the RocksDB store's own restore callback, wrapped: Kafka Streams passes a changelog's
 * records to a {@link RecordBatchingStateRestoreCallback}, an internal interface, which is the one dependency on
 * Kafka Streams' internals here; the topology tests restore through it.
 */
final class IndexedMessages implements KeyValueStore<Bytes, byte[]> {

    /** The first byte of an index key: below every character a conversation id can start with. */
    static final char INDEX = '\u0001';

    private final KeyValueStore<Bytes, byte[]> rocks;

    private IndexedMessages(KeyValueStore<Bytes, byte[]> rocks) {
        this.rocks = rocks;
    }

    /** A persistent key-value store (RocksDB) named {@code name}, with its messages indexed by id. */
    static KeyValueBytesStoreSupplier persistent(String name) {
        KeyValueBytesStoreSupplier rocksDb = Stores.persistentKeyValueStore(name);
        return new KeyValueBytesStoreSupplier() {
            @Override
            public String name() {
                return rocksDb.name();
            }

            @Override
            public KeyValueStore<Bytes, byte[]> get() {
                return new IndexedMessages(rocksDb.get());
            }

            @Override
            public String metricsScope() {
                return rocksDb.metricsScope();
            }
        };
    }

    /** The key under which the typed store answers the message with this id. */
    static String key(MessageId id) {
        return INDEX + id.toString();
    }

    private static Bytes indexKey(byte[] storedMessage) {
        return Bytes.wrap(key(StoredMessages.messageId(storedMessage)).getBytes(StandardCharsets.UTF_8));
    }

    private static boolean isIndex(Bytes key) {
        return key != null && key.get().length > 0 && key.get()[0] == INDEX;
    }

    @Override
    public byte[] get(Bytes key) {
        byte[] found = rocks.get(key);
        return found != null && isIndex(key) ? rocks.get(Bytes.wrap(found)) : found;
    }

    @Override
    public void put(Bytes key, byte[] value) {
        if (isIndex(key)) {
            throw new IllegalArgumentException("index keys are written with their messages only");
        }
        if (value == null) {
            delete(key);
            return;
        }
        rocks.putAll(List.of(KeyValue.pair(key, value), KeyValue.pair(indexKey(value), key.get())));
    }

    @Override
    public byte[] putIfAbsent(Bytes key, byte[] value) {
        byte[] before = get(key);
        if (before == null) {
            put(key, value);
        }
        return before;
    }

    @Override
    public void putAll(List<KeyValue<Bytes, byte[]>> entries) {
        entries.forEach(entry -> put(entry.key, entry.value));
    }

    @Override
    public byte[] delete(Bytes key) {
        if (isIndex(key)) {
            throw new IllegalArgumentException("index keys are removed with their messages only");
        }
        byte[] before = rocks.delete(key);
        if (before != null) {
            rocks.delete(indexKey(before));
        }
        return before;
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
        return new MessagesOnly(rocks.range(from, to));
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseRange(Bytes from, Bytes to) {
        return new MessagesOnly(rocks.reverseRange(from, to));
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> all() {
        return new MessagesOnly(rocks.all());
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseAll() {
        return new MessagesOnly(rocks.reverseAll());
    }

    @Override
    public <S extends org.apache.kafka.common.serialization.Serializer<P>, P> KeyValueIterator<Bytes, byte[]>
            prefixScan(P prefix, S prefixKeySerializer) {
        return new MessagesOnly(rocks.prefixScan(prefix, prefixKeySerializer));
    }

    /** About as many messages as RocksDB holds entries for: each message has one index entry beside it. */
    @Override
    public long approximateNumEntries() {
        return rocks.approximateNumEntries() / 2;
    }

    @Override
    public String name() {
        return rocks.name();
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        rocks.init(new IndexingRestores(context, this::restoring), root);
    }

    /**
     * Around a batch of restored changelog records, the index entries they make or remove, in their order: a
     * tombstone's message is read before the batch is written, from the batch itself or from RocksDB.
     */
    private void restoring(Collection<ConsumerRecord<byte[], byte[]>> records, Runnable restore) {
        Map<Bytes, byte[]> inBatch = new HashMap<>();
        List<KeyValue<Bytes, byte[]>> index = new ArrayList<>(records.size());
        for (ConsumerRecord<byte[], byte[]> record : records) {
            Bytes key = Bytes.wrap(record.key());
            if (record.value() != null) {
                index.add(KeyValue.pair(indexKey(record.value()), record.key()));
            } else {
                byte[] before = inBatch.containsKey(key) ? inBatch.get(key) : rocks.get(key);
                if (before != null) {
                    index.add(KeyValue.pair(indexKey(before), null));
                }
            }
            inBatch.put(key, record.value());
        }
        restore.run();
        rocks.putAll(index); // a null value removes
    }

    @Override
    public void flush() {
        rocks.flush();
    }

    @Override
    public void close() {
        rocks.close();
    }

    @Override
    public boolean persistent() {
        return rocks.persistent();
    }

    @Override
    public boolean isOpen() {
        return rocks.isOpen();
    }

    /** Interactive queries v2 see the RocksDB store as it is, index entries included; history asks through v1. */
    @Override
    public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
        return rocks.query(query, positionBound, config);
    }

    @Override
    public Position getPosition() {
        return rocks.getPosition();
    }

    /** An iterator over RocksDB's entries that passes over the index entries. */
    private static final class MessagesOnly implements KeyValueIterator<Bytes, byte[]> {

        private final KeyValueIterator<Bytes, byte[]> entries;

        MessagesOnly(KeyValueIterator<Bytes, byte[]> entries) {
            this.entries = entries;
        }

        @Override
        public boolean hasNext() {
            while (entries.hasNext() && isIndex(entries.peekNextKey())) {
                entries.next();
            }
            return entries.hasNext();
        }

        @Override
        public KeyValue<Bytes, byte[]> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return entries.next();
        }

        @Override
        public Bytes peekNextKey() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return entries.peekNextKey();
        }

        @Override
        public void close() {
            entries.close();
        }
    }

    private interface Restoring {
        void restore(Collection<ConsumerRecord<byte[], byte[]>> records, Runnable restore);
    }

    /** The store context RocksDB is opened with: Kafka Streams' own, but for the restore callback it registers. */
    private record IndexingRestores(StateStoreContext context, Restoring restoring) implements StateStoreContext {

        @Override
        public void register(StateStore store, StateRestoreCallback callback) {
            context.register(store, indexing(callback));
        }

        @Override
        public void register(StateStore store, StateRestoreCallback callback, CommitCallback onCommit) {
            context.register(store, indexing(callback), onCommit);
        }

        private StateRestoreCallback indexing(StateRestoreCallback callback) {
            if (!(callback instanceof RecordBatchingStateRestoreCallback batches)) {
                throw new IllegalStateException("RocksDB restores " + callback.getClass().getName()
                        + ", not record batches: this Kafka Streams version is not one the message index knows");
            }
            return (RecordBatchingStateRestoreCallback) records ->
                    restoring.restore(records, () -> batches.restoreBatch(records));
        }

        @Override
        public String applicationId() {
            return context.applicationId();
        }

        @Override
        public TaskId taskId() {
            return context.taskId();
        }

        @Override
        public java.util.Optional<RecordMetadata> recordMetadata() {
            return context.recordMetadata();
        }

        @Override
        public Serde<?> keySerde() {
            return context.keySerde();
        }

        @Override
        public Serde<?> valueSerde() {
            return context.valueSerde();
        }

        @Override
        public java.io.File stateDir() {
            return context.stateDir();
        }

        @Override
        public StreamsMetrics metrics() {
            return context.metrics();
        }

        @Override
        public Map<String, Object> appConfigs() {
            return context.appConfigs();
        }

        @Override
        public Map<String, Object> appConfigsWithPrefix(String prefix) {
            return context.appConfigsWithPrefix(prefix);
        }
    }
}
