package io.chatpipe.worker.delivery;

import io.chatpipe.events.MessageAccepted;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** A message not yet done, and how many times it was sent. */
final class Pending {

    private final ConsumerRecord<byte[], byte[]> record;

    private final MessageAccepted message;

    int attempts;

    /** As last sent. */
    DeliveryBackend.Sent sent;

    Pending(ConsumerRecord<byte[], byte[]> record, MessageAccepted message) {
        this.record = record;
        this.message = message;
    }

    ConsumerRecord<byte[], byte[]> record() {
        return record;
    }

    MessageAccepted message() {
        return message;
    }

    int attempts() {
        return attempts;
    }
}
