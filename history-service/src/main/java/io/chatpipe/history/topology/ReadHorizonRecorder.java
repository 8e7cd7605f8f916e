package io.chatpipe.history.topology;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.ReadHorizonMoved;
import io.chatpipe.events.UserId;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Moves a user's read horizon forward and recounts what is unread after it. */
final class ReadHorizonRecorder implements Processor<ConversationId, ReadHorizonMoved, Void, Void> {

    private static final Logger log = LoggerFactory.getLogger(ReadHorizonRecorder.class);

    private KeyValueStore<String, RecordedMessage> messages;
    private KeyValueStore<String, ReaderState> readers;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.messages = context.getStateStore(HistoryTopology.MESSAGES_STORE);
        this.readers = context.getStateStore(HistoryTopology.READERS_STORE);
    }

    @Override
    public void process(Record<ConversationId, ReadHorizonMoved> record) {
        ReadHorizonMoved moved = record.value();
        if (moved == null) {
            return;
        }
        ConversationId conversation = moved.conversationId();
        UserId user = moved.userId();
        if (!conversation.involves(user)) {
            log.warn("Ignoring a read horizon of {} in {}, a conversation they are not part of", user, conversation);
            return;
        }
        String readerKey = ReaderState.key(user, conversation);
        ReaderState before = readers.get(readerKey);
        ReaderState state = before == null ? ReaderState.NEW : before;
        RecordedMessage lastRead = messages.get(IndexedMessages.key(moved.lastReadMessageId()));
        ReaderState after;
        if (lastRead == null) {
            // read before history recorded it: applied when the message arrives
            after = new ReaderState(state.horizonOffset(), moved.lastReadMessageId(), state.unread());
        } else {
            if (!lastRead.message().conversationId().equals(conversation)) {
                log.warn("Ignoring a read horizon of {} in {}: message {} belongs to another conversation", user,
                        conversation, moved.lastReadMessageId());
                return;
            }
            long offset = lastRead.offset();
            if (offset <= state.horizonOffset()) {
                return; // horizons only move forward
            }
            after = new ReaderState(offset, null, unreadAfter(conversation, user, offset));
        }
        readers.put(readerKey, after);
    }

    private int unreadAfter(ConversationId conversation, UserId user, long horizon) {
        int unread = 0;
        try (KeyValueIterator<String, RecordedMessage> newer = messages.range(
                ConversationStore.key(conversation, horizon + 1), ConversationStore.key(conversation, Long.MAX_VALUE))) {
            while (newer.hasNext()) {
                var message = newer.next().value.message();
                if (user.equals(message.toId()) && !user.equals(message.fromId())) {
                    unread++;
                }
            }
        }
        return unread;
    }
}
