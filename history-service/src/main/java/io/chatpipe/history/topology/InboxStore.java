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
 * Reads a user's inbox out of the conversation stores of one or more partitions: the user's reader states
 * ({@link HistoryTopology#READERS_STORE}, keyed by user id, a NUL and the conversation id, so one key range) name
 * their conversations there and what is unread in each, and each conversation's newest message is the last key of
 * its range in {@link HistoryTopology#MESSAGES_STORE}. A conversation without a message left (a read horizon that
 * came first, or everything erased) is not listed. The whole inbox is every partition's part, merged by
 * {@link #ORDER}.
 */
public final class InboxStore {

    /** Newest message first; conversations whose newest messages were accepted at the same time by id. */
    public static final Comparator<InboxEntry> ORDER =
            Comparator.comparing((InboxEntry entry) -> entry.last().message().acceptedAt()).reversed()
                    .thenComparing(entry -> entry.conversationId().value());

    private final ReadOnlyKeyValueStore<String, ReaderState> readers;
    private final ReadOnlyKeyValueStore<String, RecordedMessage> messages;

    public InboxStore(ReadOnlyKeyValueStore<String, ReaderState> readers,
            ReadOnlyKeyValueStore<String, RecordedMessage> messages) {
        this.readers = readers;
        this.messages = messages;
    }

    /** The user's conversations in these stores, the one with the newest message first. */
    public List<InboxEntry> conversations(UserId user) {
        List<InboxEntry> entries = new ArrayList<>();
        String prefix = ConversationStore.prefix(user.value());
        try (KeyValueIterator<String, ReaderState> range = readers.prefixScan(prefix, new StringSerializer())) {
            range.forEachRemaining(reader -> {
                ConversationId conversation = new ConversationId(reader.key.substring(prefix.length()));
                RecordedMessage last = newest(conversation);
                if (last != null) {
                    entries.add(reader.value.inboxEntry(conversation, user, last));
                }
            });
        }
        entries.sort(ORDER);
        return entries;
    }

    private RecordedMessage newest(ConversationId conversation) {
        try (KeyValueIterator<String, RecordedMessage> newestFirst = messages.reverseRange(
                ConversationStore.key(conversation, 0), ConversationStore.key(conversation, Long.MAX_VALUE))) {
            return newestFirst.hasNext() ? newestFirst.next().value : null;
        }
    }
}
