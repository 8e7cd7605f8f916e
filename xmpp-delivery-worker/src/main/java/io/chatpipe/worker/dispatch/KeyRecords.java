package io.chatpipe.worker.dispatch;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The records of one key handed to a {@link RecordHandler}, all of one partition: those handed over,
 * those of the key that arrive meanwhile, and how the handler says each is done.
 */
public interface KeyRecords {

    /** Those handed over, in their order. */
    List<ConsumerRecord<byte[], byte[]>> records();

    /**
     * Up to {@code max} of the key's records that arrived after those handed over, in their order,
     * without waiting for more; none when none are. Those taken are the handler's too.
     */
    List<ConsumerRecord<byte[], byte[]>> take(int max);

    /** Completes once {@link #take} has a record to give. */
    CompletableFuture<?> next();

    /** The record's outcome is durable: its offset may be committed once those before it are. */
    void done(ConsumerRecord<byte[], byte[]> record);

    /**
     * True once the records have been taken away (their partition revoked, the dispatcher stopping):
     * the handler then stops as soon as it can, without recording an outcome.
     */
    boolean abandoned();

    /** Sleeps, waking early when the records are taken away; false then. */
    default boolean pause(Duration pause) throws InterruptedException {
        long deadline = System.nanoTime() + pause.toNanos();
        for (long left = pause.toNanos(); left > 0; left = deadline - System.nanoTime()) {
            if (abandoned()) {
                return false;
            }
            Thread.sleep(Duration.ofNanos(Math.min(left, Duration.ofMillis(100).toNanos())));
        }
        return !abandoned();
    }
}
