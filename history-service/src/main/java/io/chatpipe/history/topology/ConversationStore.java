package io.chatpipe.history.topology;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.MessageAccepted;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads conversations out of the {@link HistoryTopology#MESSAGES_STORE} store.
 *
 * <p>A key is the conversation id, a NUL, and the record's offset zero-padded to 19 digits, so that
 * a conversation's messages are one contiguous key range in arrival order. A conversation id never
 * holds a NUL (user ids refuse control characters), so no conversation's range overlaps another's,
 * even when one id is a prefix of another ({@code alice:bob} and {@code alice:bobby}).
 */
public final class ConversationStore {

    private static final char SEPARATOR = '\u0000';

    private final ReadOnlyKeyValueStore<String, MessageAccepted> messages;

    public ConversationStore(ReadOnlyKeyValueStore<String, MessageAccepted> messages) {
        this.messages = messages;
    }

    /** The newest {@code limit} messages of a conversation, oldest first; empty for an unknown conversation. */
    public List<MessageAccepted> latest(ConversationId conversation, int limit) {
        List<MessageAccepted> newestFirst = new ArrayList<>();
        try (KeyValueIterator<String, MessageAccepted> range =
                     messages.reverseRange(key(conversation, 0), key(conversation, Long.MAX_VALUE))) {
            while (range.hasNext() && newestFirst.size() < limit) {
                newestFirst.add(range.next().value);
            }
        }
        return newestFirst.reversed();
    }

    static String key(ConversationId conversation, long sequence) {
        return conversation.value() + SEPARATOR + String.format("%019d", sequence);
    }
}
