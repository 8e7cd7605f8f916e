package io.chatpipe.history.topology;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.UserErased;
import io.chatpipe.events.UserId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Erases a user's messages from this task's conversations: deletes them (tombstones in the stores and their
 * changelogs), with their ids and delivery statuses, and brings both participants' view of each touched
 * conversation up to date, removing it from their inboxes when nothing is left. The erasure is kept, so that
 * {@link MessageRecorder} drops those messages whenever they are read again (a rebuild, a redelivery).
 *
 * <p>A message id does not tell where its conversation is, so this scans the task's messages: an erasure is
 * rare, and each task holds only its own partition's.
 */
final class ErasureRecorder implements Processor<UserId, UserErased, Void, Void> {

    private static final Logger log = LoggerFactory.getLogger(ErasureRecorder.class);

    private KeyValueStore<String, RecordedMessage> messages;
    private KeyValueStore<String, DeliveryStatus> statuses;
    private KeyValueStore<String, ReaderState> readers;
    private KeyValueStore<String, UserErased> erasures;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.messages = context.getStateStore(HistoryTopology.MESSAGES_STORE);
        this.statuses = context.getStateStore(HistoryTopology.MESSAGE_STATUS_STORE);
        this.readers = context.getStateStore(HistoryTopology.READERS_STORE);
        this.erasures = context.getStateStore(HistoryTopology.ERASURES_STORE);
    }

    @Override
    public void process(Record<UserId, UserErased> record) {
        UserErased erased = record.value();
        if (erased == null || erased.userId() == null || erased.erasedAt() == null) {
            return;
        }
        UserErased known = erasures.get(erased.userId().value());
        if (known == null || known.erasedAt().isBefore(erased.erasedAt())) {
            erasures.put(erased.userId().value(), erased);
        }
        List<String> doomed = new ArrayList<>();
        Set<ConversationId> touched = new LinkedHashSet<>();
        try (KeyValueIterator<String, RecordedMessage> all = messages.all()) {
            all.forEachRemaining(entry -> {
                MessageAccepted message = entry.value.message();
                if (erased.covers(message)) {
                    doomed.add(entry.key);
                    touched.add(message.conversationId());
                    statuses.delete(message.messageId().toString());
                }
            });
        }
        doomed.forEach(messages::delete); // and each under its id
        for (ConversationId conversation : touched) {
            for (UserId participant : new LinkedHashSet<>(List.of(conversation.first(), conversation.second()))) {
                recount(conversation, participant);
            }
        }
        if (!doomed.isEmpty()) {
            log.info("Erased {} messages of {} in {} conversations", doomed.size(), erased.userId(), touched.size());
        }
    }

    /** The participant's view after the erasure: the newest message left and what is unread of what is left. */
    private void recount(ConversationId conversation, UserId user) {
        String readerKey = ReaderState.key(user, conversation);
        ReaderState before = readers.get(readerKey);
        ReaderState state = before == null ? ReaderState.NEW : before;
        RecordedMessage last = null;
        int unread = 0;
        try (KeyValueIterator<String, RecordedMessage> left = messages.range(ConversationStore.key(conversation, 0),
                ConversationStore.key(conversation, Long.MAX_VALUE))) {
            while (left.hasNext()) {
                RecordedMessage recorded = left.next().value;
                last = recorded;
                MessageAccepted message = recorded.message();
                if (recorded.offset() > state.horizonOffset() && user.equals(message.toId())
                        && !user.equals(message.fromId())) {
                    unread++;
                }
            }
        }
        ReaderState after = new ReaderState(state.horizonOffset(), state.pendingHorizon(), unread);
        if (last == null) {
            readers.delete(readerKey); // nothing left: the conversation leaves the user's inbox
        } else {
            readers.put(readerKey, after);
        }
    }
}
