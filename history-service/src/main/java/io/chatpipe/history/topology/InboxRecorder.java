package io.chatpipe.history.topology;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the latest entry of each of a user's conversations, in the user's task. Each entry is the whole
 * state of one (user, conversation), computed in the conversation's task in order, so the last one wins.
 */
final class InboxRecorder implements Processor<String, InboxEntry, Void, Void> {

    private KeyValueStore<String, InboxEntry> inboxes;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.inboxes = context.getStateStore(HistoryTopology.INBOX_STORE);
    }

    @Override
    public void process(Record<String, InboxEntry> record) {
        InboxEntry entry = record.value();
        if (entry == null) {
            return;
        }
        if (entry.last() == null) {
            inboxes.delete(InboxStore.key(entry.user(), entry.conversationId())); // nothing left: erased
        } else {
            inboxes.put(InboxStore.key(entry.user(), entry.conversationId()), entry);
        }
    }
}
