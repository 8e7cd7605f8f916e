package io.chatpipe.history.topology;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.MessageAccepted;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Appends each message to its conversation, unless its message id has been recorded already. */
final class MessageRecorder implements Processor<ConversationId, MessageAccepted, Void, Void> {

    private static final Logger log = LoggerFactory.getLogger(MessageRecorder.class);

    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, MessageAccepted> messages;
    private KeyValueStore<String, String> messageIds;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        this.messages = context.getStateStore(HistoryTopology.MESSAGES_STORE);
        this.messageIds = context.getStateStore(HistoryTopology.MESSAGE_IDS_STORE);
    }

    @Override
    public void process(Record<ConversationId, MessageAccepted> record) {
        MessageAccepted message = record.value();
        if (message == null) {
            return; // a tombstone deletes nothing yet: deleting history comes with the privacy work
        }
        if (!message.conversationId().equals(record.key())) {
            log.warn("Message {} is keyed {} but belongs to {}; recording it under {}", message.messageId(),
                    record.key(), message.conversationId(), message.conversationId());
        }
        String messageId = message.messageId().toString();
        if (messageIds.get(messageId) != null) {
            log.debug("Message {} is already in history; skipping the duplicate", messageId);
            return;
        }
        // The offset orders a conversation because a conversation is one partition; replay gives the same keys.
        long offset = context.recordMetadata().map(RecordMetadata::offset).orElseThrow();
        String key = ConversationStore.key(message.conversationId(), offset);
        messages.put(key, message);
        messageIds.put(messageId, key);
    }
}
