package io.chatpipe.history.topology;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.UserErased;
import io.chatpipe.events.UserId;
import java.util.LinkedHashSet;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends each message to its conversation, unless its message id has been recorded already, and counts it as
 * unread for its recipient.
 */
final class MessageRecorder implements Processor<ConversationId, MessageAccepted, Void, Void> {

    private static final Logger log = LoggerFactory.getLogger(MessageRecorder.class);

    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, RecordedMessage> messages;
    private KeyValueStore<String, ReaderState> readers;
    private KeyValueStore<String, UserErased> erasures;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        this.messages = context.getStateStore(HistoryTopology.MESSAGES_STORE);
        this.readers = context.getStateStore(HistoryTopology.READERS_STORE);
        this.erasures = context.getStateStore(HistoryTopology.ERASURES_STORE);
    }

    @Override
    public void process(Record<ConversationId, MessageAccepted> record) {
        MessageAccepted message = record.value();
        if (message == null) {
            return; // messages are erased by user (chat.erasures), not by tombstones in chat.messages
        }
        if (!message.conversationId().equals(record.key())) {
            log.warn("Message {} is keyed {} but belongs to {}; recording it under {}", message.messageId(),
                    record.key(), message.conversationId(), message.conversationId());
        }
        String messageId = message.messageId().toString();
        if (messages.get(IndexedMessages.key(message.messageId())) != null) {
            log.debug("Message {} is already in history; skipping the duplicate", messageId);
            return;
        }
        if (erased(message)) {
            log.debug("Message {} belongs to an erased user; not recording it", messageId);
            return;
        }
        // The offset orders a conversation because a conversation is one partition; replay gives the same keys.
        RecordMetadata source = context.recordMetadata().orElseThrow();
        RecordedMessage recorded = new RecordedMessage(message, source.partition(), source.offset());
        String key = ConversationStore.key(message.conversationId(), source.offset());
        messages.put(key, recorded); // and under its id, in the same store
        for (UserId participant : new LinkedHashSet<>(List.of(message.fromId(), message.toId()))) {
            updateReader(participant, recorded);
        }
    }

    private boolean erased(MessageAccepted message) {
        for (UserId user : List.of(message.fromId(), message.toId())) {
            UserErased erasure = erasures.get(user.value());
            if (erasure != null && erasure.covers(message)) {
                return true;
            }
        }
        return false;
    }

    private void updateReader(UserId user, RecordedMessage recorded) {
        MessageAccepted message = recorded.message();
        String readerKey = ReaderState.key(user, message.conversationId());
        ReaderState before = readers.get(readerKey);
        ReaderState state = before == null ? ReaderState.NEW : before;
        ReaderState after;
        if (message.messageId().equals(state.pendingHorizon())) {
            // the user had already read this message: nothing newer exists yet, so nothing is unread
            after = new ReaderState(recorded.offset(), null, 0);
        } else {
            boolean unreadByUser = user.equals(message.toId()) && !user.equals(message.fromId());
            after = new ReaderState(state.horizonOffset(), state.pendingHorizon(),
                    state.unread() + (unreadByUser ? 1 : 0));
        }
        // the sender's state seldom changes: not written again, it costs neither a cache entry nor a changelog record
        if (!after.equals(before)) {
            readers.put(readerKey, after);
        }
    }
}
