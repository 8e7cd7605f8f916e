package io.chatpipe.history.topology;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.MessageId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads conversations out of the {@link HistoryTopology#MESSAGES_STORE} store (messages by id too), with the
 * delivery statuses and read horizons of the same task.
 *
 * <p>A key is the conversation id, a NUL, and the record's offset zero-padded to 19 digits, so that
 * a conversation's messages are one contiguous key range in arrival order. A conversation id never
 * holds a NUL (user ids refuse control characters), so no conversation's range overlaps another's,
 * even when one id is a prefix of another ({@code alice:bob} and {@code alice:bobby}).
 *
 * <p>Positions are offsets in the conversation's partition of {@code chat.messages}: {@code before(p)}
 * means offsets below {@code p}, {@code after(p)} offsets above it. Every list is oldest first.
 */
public final class ConversationStore {

    private static final char SEPARATOR = '\u0000';

    private final ReadOnlyKeyValueStore<String, RecordedMessage> messages;
    private final ReadOnlyKeyValueStore<String, DeliveryStatus> statuses;
    private final ReadOnlyKeyValueStore<String, ReaderState> readers;

    public ConversationStore(ReadOnlyKeyValueStore<String, RecordedMessage> messages,
            ReadOnlyKeyValueStore<String, DeliveryStatus> statuses,
            ReadOnlyKeyValueStore<String, ReaderState> readers) {
        this.messages = messages;
        this.statuses = statuses;
        this.readers = readers;
    }

    /** The newest {@code limit} messages of a conversation; empty for an unknown conversation. */
    public List<RecordedMessage> newest(ConversationId conversation, int limit) {
        return before(conversation, Long.MAX_VALUE, limit);
    }

    /** The {@code limit} messages just older than {@code position}. */
    public List<RecordedMessage> before(ConversationId conversation, long position, int limit) {
        if (position <= 0) {
            return List.of();
        }
        List<RecordedMessage> newestFirst = new ArrayList<>();
        try (KeyValueIterator<String, RecordedMessage> range =
                     messages.reverseRange(key(conversation, 0), key(conversation, position - 1))) {
            while (range.hasNext() && newestFirst.size() < limit) {
                newestFirst.add(range.next().value);
            }
        }
        return newestFirst.reversed();
    }

    /** The {@code limit} messages just newer than {@code position}. */
    public List<RecordedMessage> after(ConversationId conversation, long position, int limit) {
        if (position == Long.MAX_VALUE) {
            return List.of();
        }
        List<RecordedMessage> oldestFirst = new ArrayList<>();
        try (KeyValueIterator<String, RecordedMessage> range =
                     messages.range(key(conversation, position + 1), key(conversation, Long.MAX_VALUE))) {
            while (range.hasNext() && oldestFirst.size() < limit) {
                oldestFirst.add(range.next().value);
            }
        }
        return oldestFirst;
    }

    public boolean hasBefore(ConversationId conversation, long position) {
        return !before(conversation, position, 1).isEmpty();
    }

    public boolean hasAfter(ConversationId conversation, long position) {
        return !after(conversation, position, 1).isEmpty();
    }

    /** A message by its id, if this store's partitions hold it. */
    public Optional<RecordedMessage> find(MessageId id) {
        return Optional.ofNullable(messages.get(IndexedMessages.key(id)));
    }

    /** Where a message's delivery stands, as {@link #status(RecordedMessage)} tells, if this store holds it. */
    public DeliveryStatus status(MessageId id) {
        return find(id).map(this::status).orElseGet(() -> reported(id));
    }

    /**
     * Where a message's delivery stands: what the worker and the recipient's side reported (folded by
     * {@link DeliveryRecorder}), raised to {@code delivered} for a message captured from XMPP (capture
     * found it in its recipient's archive, which is what delivered means), and to {@code read} once the
     * message is at or before its recipient's read horizon in the conversation.
     *
     * <p>The horizon is applied here, when a message is read out, rather than written into each status when
     * the horizon moves: a horizon ({@code PUT .../read}, or a displayed marker, which XEP-0333 says covers
     * every earlier message) covers any number of messages, and rewriting each one's status would cost a
     * write and a changelog record per message at every move. Here it costs one point lookup, and it is
     * always consistent with the unread count, whatever order the horizon, the messages and their reports
     * arrived in. Both the horizon and the folded status only move forward, so the status never goes back.
     */
    public DeliveryStatus status(RecordedMessage recorded) {
        MessageAccepted message = recorded.message();
        DeliveryStatus status = reported(message.messageId());
        if (message.source() == MessageAccepted.Source.XMPP) {
            status = new DeliveryStatus(DeliveryStatus.State.DELIVERED, 0, message.acceptedAt(), null).then(status);
        }
        if (!message.toId().equals(message.fromId()) && recorded.offset() <= horizon(message)) {
            status = status.then(new DeliveryStatus(DeliveryStatus.State.READ, 0, null, null));
        }
        return status;
    }

    /** What was reported about a message; {@link DeliveryStatus#ACCEPTED} until anything is. */
    private DeliveryStatus reported(MessageId id) {
        DeliveryStatus status = statuses.get(id.toString());
        return status == null ? DeliveryStatus.ACCEPTED : status;
    }

    /** The offset of the last message the recipient has read in the message's conversation; -1 before any. */
    private long horizon(MessageAccepted message) {
        ReaderState reader = readers.get(ReaderState.key(message.toId(), message.conversationId()));
        return reader == null ? -1 : reader.horizonOffset();
    }

    static String key(ConversationId conversation, long offset) {
        if (offset < 0) {
            return prefix(conversation.value()) + String.format("%019d", offset);
        }
        // zero-padded by hand: String.format, once for every message recorded, took 5% of a rebuild's CPU time
        String digits = Long.toString(offset);
        return new StringBuilder(conversation.value().length() + 20).append(conversation.value()).append(SEPARATOR)
                .repeat('0', 19 - digits.length()).append(digits).toString();
    }

    /** The part of a composite key before its last component; also used for keys by conversation and user. */
    static String prefix(String first) {
        return first + SEPARATOR;
    }

    static String key(String first, String second) {
        return prefix(first) + second;
    }
}
