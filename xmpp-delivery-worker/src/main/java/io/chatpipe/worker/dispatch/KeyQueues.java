package io.chatpipe.worker.dispatch;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The records read and not yet handled, a queue per key (a conversation, a contact list's owner) and
 * partition: each key with records waiting has a virtual thread handing them to the {@link RecordHandler},
 * those waiting, up to {@link KeyOrderedDispatcher#MAX_ROUND}, at a time, so that the records of one key go
 * one after the other and different keys at the same time. Each record the handler is done with is marked
 * so in its {@link PartitionProgress}, for the commit.
 */
final class KeyQueues {

    private static final Logger log = LoggerFactory.getLogger(KeyQueues.class);

    private final RecordHandler handler;

    private final String name;

    /** Guards every queue's contents too. */
    private final Map<String, KeyQueue> queues = new HashMap<>();

    /** Set when the dispatcher stops: every record still in hand is taken away. */
    private volatile boolean stopping;

    /**
     * @param name names the threads
     */
    KeyQueues(RecordHandler handler, String name) {
        this.handler = handler;
        this.name = name;
    }

    /** Records are handled from now on. */
    void open() {
        stopping = false;
    }

    /** Takes every record in hand away from the handler: it stops as soon as it can. */
    void abandonAll() {
        stopping = true;
    }

    /** Queues the record behind the earlier records of its key, starting its key's thread when it has none. */
    void add(ConsumerRecord<byte[], byte[]> record, PartitionProgress progress) {
        String key = record.partition() + "/" + (record.key() == null ? "@" + record.offset()
                : new String(record.key(), StandardCharsets.UTF_8));
        synchronized (queues) {
            KeyQueue queue = queues.computeIfAbsent(key, k -> new KeyQueue());
            queue.records.add(new Queued(record, progress));
            if (queue.arrival != null) {
                queue.arrival.complete(null);
                queue.arrival = null;
            }
            if (!queue.draining) {
                queue.draining = true;
                Thread.ofVirtual().name(name + "-", 0).start(() -> drain(key, queue));
            }
        }
    }

    /** Works through one key's records in order, a round of those waiting at a time, until its queue is empty. */
    private void drain(String key, KeyQueue queue) {
        while (true) {
            List<Queued> round = new ArrayList<>();
            synchronized (queues) {
                while (round.size() < KeyOrderedDispatcher.MAX_ROUND && !queue.records.isEmpty()) {
                    round.add(queue.records.poll());
                }
                if (round.isEmpty()) {
                    queue.draining = false;
                    queues.remove(key);
                    return;
                }
            }
            handle(round, queue);
        }
    }

    /**
     * One round of a key's records, all of one partition, with those of the key and partition the
     * handler takes as they arrive; handed again, those not done, until all are or they are taken away.
     */
    private void handle(List<Queued> round, KeyQueue queue) {
        var records = new Handed(round, queue);
        PartitionProgress progress = records.progress;
        progress.attempts.incrementAndGet();
        try {
            while (!records.left.isEmpty() && !records.abandoned()) {
                try {
                    handler.handle(records);
                } catch (RuntimeException e) {
                    // Kafka could not take a dead letter, for instance: what is not done is tried again
                    ConsumerRecord<byte[], byte[]> first = records.left.getFirst();
                    log.warn("Record {}-{}@{} failed, trying again: {}", first.topic(), first.partition(),
                            first.offset(), e.toString());
                    Thread.sleep(1000);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            progress.attempts.decrementAndGet();
        }
    }

    /** A round as the handler sees it. */
    private final class Handed implements KeyRecords {

        private final PartitionProgress progress;

        private final KeyQueue queue;

        /** Handed over or taken, and not yet done, in order. */
        private final List<ConsumerRecord<byte[], byte[]>> left;

        Handed(List<Queued> round, KeyQueue queue) {
            this.progress = round.getFirst().progress();
            this.queue = queue;
            this.left = new ArrayList<>(round.stream().map(Queued::record).toList());
        }

        @Override
        public List<ConsumerRecord<byte[], byte[]>> records() {
            return List.copyOf(left);
        }

        @Override
        public List<ConsumerRecord<byte[], byte[]>> take(int max) {
            var taken = new ArrayList<ConsumerRecord<byte[], byte[]>>();
            synchronized (queues) {
                while (taken.size() < max && !queue.records.isEmpty()
                        && queue.records.peek().progress() == progress) {
                    taken.add(queue.records.poll().record());
                }
            }
            left.addAll(taken);
            return taken;
        }

        @Override
        public CompletableFuture<?> next() {
            synchronized (queues) {
                if (queue.records.isEmpty()) {
                    if (queue.arrival == null) {
                        queue.arrival = new CompletableFuture<>();
                    }
                    return queue.arrival;
                }
                // records of the partition's next assignment are the next round's
                return queue.records.peek().progress() == progress
                        ? CompletableFuture.completedFuture(null) : new CompletableFuture<>();
            }
        }

        @Override
        public void done(ConsumerRecord<byte[], byte[]> record) {
            progress.done(record.offset());
            left.remove(record);
        }

        @Override
        public boolean abandoned() {
            return stopping || progress.revoked;
        }
    }

    private record Queued(ConsumerRecord<byte[], byte[]> record, PartitionProgress progress) {
    }

    private static final class KeyQueue {
        final ArrayDeque<Queued> records = new ArrayDeque<>();
        boolean draining;
        /** Completed when the next record arrives, for a handler waiting on it; guarded by {@code queues}. */
        CompletableFuture<Void> arrival;
    }
}
