package io.chatpipe.history.topology;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.UserId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads users' inboxes out of the {@link HistoryTopology#INBOX_STORE} store: keys are the user id, a NUL
 * and the conversation id, so one user's conversations are one key range in the task that owns the user.
 */
public final class InboxStore {

    private final ReadOnlyKeyValueStore<String, InboxEntry> inboxes;

    public InboxStore(ReadOnlyKeyValueStore<String, InboxEntry> inboxes) {
        this.inboxes = inboxes;
    }

    /** The user's conversations, the one with the newest message first. */
    public List<InboxEntry> conversations(UserId user) {
        List<InboxEntry> entries = new ArrayList<>();
        String prefix = ConversationStore.prefix(user.value());
        try (KeyValueIterator<String, InboxEntry> range = inboxes.prefixScan(prefix, new StringSerializer())) {
            range.forEachRemaining(entry -> entries.add(entry.value));
        }
        entries.sort(Comparator.comparing((InboxEntry entry) -> entry.last().message().acceptedAt()).reversed()
                .thenComparing(entry -> entry.conversationId().value()));
        return entries;
    }

    static String key(UserId user, ConversationId conversation) {
        return ConversationStore.key(user.value(), conversation.value());
    }
}
