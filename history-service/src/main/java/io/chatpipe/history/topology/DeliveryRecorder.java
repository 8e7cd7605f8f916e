package io.chatpipe.history.topology;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.DeliveryAttempted;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Folds delivery attempts into each message's status. Reports may arrive before the message itself
 * (two topics have no order between them), so the status is kept by message id whether or not the
 * message is recorded yet.
 */
final class DeliveryRecorder implements Processor<ConversationId, DeliveryAttempted, Void, Void> {

    private KeyValueStore<String, DeliveryStatus> statuses;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.statuses = context.getStateStore(HistoryTopology.MESSAGE_STATUS_STORE);
    }

    @Override
    public void process(Record<ConversationId, DeliveryAttempted> record) {
        DeliveryAttempted attempt = record.value();
        if (attempt == null || attempt.messageId() == null || attempt.outcome() == null) {
            return;
        }
        String messageId = attempt.messageId().toString();
        DeliveryStatus reported = DeliveryStatus.of(attempt);
        DeliveryStatus known = statuses.get(messageId);
        statuses.put(messageId, known == null ? reported : known.then(reported));
    }
}
