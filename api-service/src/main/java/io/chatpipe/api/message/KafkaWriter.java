package io.chatpipe.api.message;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RetriableException;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;

/**
 * Writes records to Kafka all at once (the producer batches them) and waits for every acknowledgement
 * until one deadline. Every wait is bounded: {@code send()} blocks at most {@code max.block.ms} for
 * metadata or buffer space, and once one send found Kafka unable to take a record, the rest are not
 * even tried; they fail with the same cause rather than each blocking in turn.
 */
final class KafkaWriter {

    private KafkaWriter() {
    }

    /** One record's fate: its place in the topic, or why it is not known to be there. */
    record Ack(RecordMetadata metadata, Throwable failure) {

        boolean stored() {
            return failure == null;
        }
    }

    /**
     * Sends the records and returns one {@link Ack} per record, in order, within {@code timeout} of the
     * last send.
     *
     * @throws RuntimeException a failure that is a bug or a wrong setting of ours, not Kafka's state
     */
    static <K, V> List<Ack> writeAll(KafkaTemplate<K, V> template, List<ProducerRecord<K, V>> records,
            Duration timeout) {
        List<CompletableFuture<SendResult<K, V>>> sends = new ArrayList<>(records.size());
        Throwable unavailable = null;
        for (ProducerRecord<K, V> record : records) {
            if (unavailable != null) {
                sends.add(CompletableFuture.failedFuture(unavailable));
                continue;
            }
            try {
                sends.add(template.send(record));
            } catch (RuntimeException e) {
                if (!unavailable(e)) {
                    throw e;
                }
                unavailable = e;
                sends.add(CompletableFuture.failedFuture(e));
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Ack> acks = new ArrayList<>(sends.size());
        for (CompletableFuture<SendResult<K, V>> send : sends) {
            acks.add(await(send, deadline));
        }
        return acks;
    }

    private static <K, V> Ack await(CompletableFuture<SendResult<K, V>> send, long deadline) {
        try {
            long left = Math.max(0, deadline - System.nanoTime());
            return new Ack(send.get(left, TimeUnit.NANOSECONDS).getRecordMetadata(), null);
        } catch (ExecutionException e) {
            // the broker refused or never acknowledged the record: Kafka could not take it
            return new Ack(null, e.getCause() == null ? e : e.getCause());
        } catch (TimeoutException e) {
            return new Ack(null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Ack(null, e);
        }
    }

    /**
     * Whether send() failed for want of a broker (no metadata or buffer space within max.block.ms, or
     * an interrupt) rather than for a bug or a wrong setting of ours, which stay 500s.
     */
    static boolean unavailable(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof RetriableException || cause instanceof InterruptException) {
                return true;
            }
        }
        return false;
    }
}
