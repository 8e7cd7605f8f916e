package io.chatpipe.worker.dispatch;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The offsets of the partitions a {@link KeyOrderedDispatcher} reads, and their commits. Records finish
 * out of order (different keys), so a partition's committed offset is its lowest record not yet done:
 * an offset is committed only once the record and every record before it on the partition has its
 * outcome in Kafka. The commits are made on the thread that polls, with its consumer.
 */
final class OffsetTracker {

    private static final Logger log = LoggerFactory.getLogger(OffsetTracker.class);

    /** How long a revoke or a stop waits for the attempts under way. */
    static final Duration DRAIN = Duration.ofSeconds(15);

    private final Map<TopicPartition, PartitionProgress> partitions = new ConcurrentHashMap<>();

    /** The record is read, and not done until its handler says so; returns its partition's progress. */
    PartitionProgress received(ConsumerRecord<byte[], byte[]> record) {
        PartitionProgress progress = partitions.computeIfAbsent(
                new TopicPartition(record.topic(), record.partition()), PartitionProgress::new);
        progress.received(record.offset());
        return progress;
    }

    /** Records read from the partition and not yet done. */
    int waiting(TopicPartition partition) {
        PartitionProgress progress = partitions.get(partition);
        return progress == null ? 0 : progress.waiting();
    }

    /** Records read and not yet done, in all partitions. */
    int waiting() {
        return partitions.values().stream().mapToInt(PartitionProgress::waiting).sum();
    }

    /**
     * The periodic commit: sent, and the loop goes on polling. Waiting for the coordinator's answer here held up
     * the records arriving meanwhile, a few milliseconds in every commit interval. A commit that fails is made
     * again at the next interval (the offsets only grow); on revocation and at the end, {@link #commit} waits.
     */
    void commitInBackground(Consumer<byte[], byte[]> consumer) {
        Map<TopicPartition, OffsetAndMetadata> offsets = committable(partitions.values());
        if (!offsets.isEmpty()) {
            consumer.commitAsync(offsets, (sent, e) -> {
                if (e == null) {
                    sent.forEach(this::committed);
                } else {
                    log.warn("Could not commit {}, trying again: {}", sent, e.toString());
                }
            });
        }
    }

    /**
     * The partitions are taken away: their waiting records are dropped, the attempts under way are
     * awaited, and what is done is committed, so that their new owner starts after it.
     */
    void revoked(Consumer<byte[], byte[]> consumer, Collection<TopicPartition> revoked) {
        List<PartitionProgress> leaving = stopWorkingOn(revoked);
        awaitAttempts(leaving);
        commit(consumer, leaving);
        revoked.forEach(partitions::remove);
    }

    /** The partitions are lost (another owner may have them already): nothing more of them is worked on or committed. */
    void lost(Collection<TopicPartition> lost) {
        stopWorkingOn(lost);
        lost.forEach(partitions::remove);
    }

    /** At the end: awaits the attempts under way and commits what is done. */
    void close(Consumer<byte[], byte[]> consumer) {
        awaitAttempts(partitions.values());
        commit(consumer, partitions.values());
    }

    /** Their waiting records are dropped and their attempts stop at the next chance. */
    private List<PartitionProgress> stopWorkingOn(Collection<TopicPartition> taken) {
        List<PartitionProgress> leaving = taken.stream().map(partitions::get).filter(Objects::nonNull).toList();
        leaving.forEach(progress -> progress.revoked = true);
        return leaving;
    }

    /** Commits what is done in these partitions, and waits for it. */
    private void commit(Consumer<byte[], byte[]> consumer, Collection<PartitionProgress> progresses) {
        Map<TopicPartition, OffsetAndMetadata> offsets = committable(progresses);
        if (offsets.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(offsets);
            offsets.forEach(this::committed);
        } catch (WakeupException e) {
            // stop() asked while committing: the final commit tries again
            commit(consumer, progresses);
        } catch (KafkaException e) {
            log.warn("Could not commit {}, trying again: {}", offsets, e.toString());
        }
    }

    /** Each partition's offset that is done and not yet committed. */
    private static Map<TopicPartition, OffsetAndMetadata> committable(Collection<PartitionProgress> progresses) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (PartitionProgress progress : progresses) {
            long committable = progress.committable();
            if (committable > progress.committed) {
                offsets.put(progress.partition, new OffsetAndMetadata(committable));
            }
        }
        return offsets;
    }

    private void committed(TopicPartition partition, OffsetAndMetadata offset) {
        PartitionProgress progress = partitions.get(partition);
        if (progress != null && offset.offset() > progress.committed) {
            progress.committed = offset.offset();
        }
    }

    private static void awaitAttempts(Collection<PartitionProgress> progresses) {
        long deadline = System.nanoTime() + DRAIN.toNanos();
        for (PartitionProgress progress : progresses) {
            while (progress.attempts.get() > 0 && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
