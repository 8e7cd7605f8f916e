package io.chatpipe.history.topology;

import io.chatpipe.events.JsonSerde;
import io.chatpipe.events.Topics;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.Stores;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The history topology: every accepted message, once, in its conversation's order, with its delivery
 * status, each participant's read horizon, and each user's inbox.
 *
 * <p>{@code chat.messages}, {@code chat.deliveries} and {@code chat.reads} are all keyed by conversation
 * (and must have the same number of partitions), so one task holds everything about a conversation and a
 * page joins statuses without leaving its partition. A user's inbox is not kept apart: each task keeps the user's
 * view of each of its conversations under a key that starts with the user id, and an inbox is gathered from every
 * partition when asked for ({@link InboxStore}). Kept by user through a repartition topic, as it once was, each
 * message cost two more full copies written, stored by the broker, read back and stored again: half of what a rebuild
 * wrote. Erasures ({@code chat.erasures}, every erasure in every partition) remove a user's messages from each task.
 */
@Component
public class HistoryTopology {

    /**
     * Conversation messages as {@link RecordedMessage}s (see {@link ConversationStore} for the key layout), and each
     * by its message id ({@link IndexedMessages}: de-duplication and lookup by id, kept beside them in RocksDB and
     * derived from them on restore, so that a message costs one changelog record, not two).
     */
    public static final String MESSAGES_STORE = "conversation-messages";

    /** Message id to its {@link DeliveryStatus}. */
    public static final String MESSAGE_STATUS_STORE = "message-status";

    /**
     * User id, NUL, conversation id to that participant's {@link ReaderState}, in the conversation's task: one
     * key range per user in each task, which is the user's part of their inbox there.
     */
    public static final String READERS_STORE = "readers-by-user";

    /** User id to the latest {@link io.chatpipe.events.UserErased} of that user, in every task. */
    public static final String ERASURES_STORE = "user-erasures";

    /**
     * Internal topics of former layouts: of the layout before {@link #READERS_STORE}, when inboxes were kept by user
     * apart from the conversations (a repartition topic and a store of their own) and reader states were keyed by
     * conversation; and of the store of message ids apart from the messages, before {@link IndexedMessages}, whose
     * local stores hold no index. Their stores are gone and the new ones are not in them: a deployment that still has
     * one of them rebuilds once.
     */
    public static final List<String> FORMER_INTERNAL_TOPICS = List.of("inbox-by-user-repartition",
            "user-conversations-changelog", "conversation-readers-changelog", "message-ids-changelog");

    @Autowired
    public void build(StreamsBuilder builder) {
        builder.addStateStore(Stores.keyValueStoreBuilder(IndexedMessages.persistent(MESSAGES_STORE),
                Serdes.String(), StoredMessages.recordedMessages()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(MESSAGE_STATUS_STORE),
                Serdes.String(), new JsonSerde<>(DeliveryStatus.class)));
        // Cached: a conversation's reader states change with every message, and the record cache sends each key to
        // its changelog (and RocksDB) once per commit instead of once per change.
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(READERS_STORE),
                Serdes.String(), StoredMessages.readerStates()).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ERASURES_STORE),
                Serdes.String(), Topics.ERASURES.values()));

        builder.stream(Topics.MESSAGES.name(), Consumed.with(Topics.MESSAGES.keys(), Topics.MESSAGES.values())
                        .withName("chat-messages"))
                .process(MessageRecorder::new, Named.as("record-messages"),
                        MESSAGES_STORE, READERS_STORE, ERASURES_STORE);

        // Every partition of chat.erasures holds every erasure, so each conversation task erases its own part.
        builder.stream(Topics.ERASURES.name(), Consumed.with(Topics.ERASURES.keys(), Topics.ERASURES.values())
                        .withName("chat-erasures"))
                .process(ErasureRecorder::new, Named.as("record-erasures"), MESSAGES_STORE,
                        MESSAGE_STATUS_STORE, READERS_STORE, ERASURES_STORE);

        // Connected to the messages as well, only so that statuses share the conversation's task.
        builder.stream(Topics.DELIVERIES.name(), Consumed.with(Topics.DELIVERIES.keys(), Topics.DELIVERIES.values())
                        .withName("chat-deliveries"))
                .process(DeliveryRecorder::new, Named.as("record-deliveries"), MESSAGE_STATUS_STORE, MESSAGES_STORE);

        builder.stream(Topics.READS.name(), Consumed.with(Topics.READS.keys(), Topics.READS.values())
                        .withName("chat-reads"))
                .process(ReadHorizonRecorder::new, Named.as("record-reads"),
                        MESSAGES_STORE, READERS_STORE);
    }
}
