package io.chatpipe.history.topology;

import io.chatpipe.events.JsonSerde;
import io.chatpipe.events.Topics;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The history topology: every accepted message, once, in its conversation's order, with its delivery
 * status, each participant's read horizon, and each user's inbox.
 *
 * <p>{@code chat.messages}, {@code chat.deliveries} and {@code chat.reads} are all keyed by conversation
 * (and must have the same number of partitions), so one task holds everything about a conversation and a
 * page joins statuses without leaving its partition. Inboxes are re-keyed by user through an internal
 * repartition topic, so one user's conversations live in one task whichever partitions they came from.
 * Erasures ({@code chat.erasures}, every erasure in every partition) remove a user's messages from each task.
 */
@Component
public class HistoryTopology {

    /** Conversation messages as {@link RecordedMessage}s; see {@link ConversationStore} for the key layout. */
    public static final String MESSAGES_STORE = "conversation-messages";

    /** Message id to its key in {@link #MESSAGES_STORE}: de-duplication and lookup by message id. */
    public static final String MESSAGE_IDS_STORE = "message-ids";

    /** Message id to its {@link DeliveryStatus}. */
    public static final String MESSAGE_STATUS_STORE = "message-status";

    /** Conversation id, NUL, user id to that participant's {@link ReaderState}. */
    public static final String READERS_STORE = "conversation-readers";

    /** User id, NUL, conversation id to an {@link InboxEntry}; partitioned by user id. */
    public static final String INBOX_STORE = "user-conversations";

    /** User id to the latest {@link io.chatpipe.events.UserErased} of that user, in every task. */
    public static final String ERASURES_STORE = "user-erasures";

    /** Name of the repartition step; its internal topic is {@code <application.id>-inbox-by-user-repartition}. */
    public static final String INBOX_REPARTITION = "inbox-by-user";

    /** How inbox entries are keyed: the user id as a string, partitioned by Kafka's default partitioner. */
    public static final Serde<String> USER_KEYS = Serdes.String();

    @Autowired
    public void build(StreamsBuilder builder) {
        Serde<InboxEntry> inboxEntries = StoredMessages.inboxEntries();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(MESSAGES_STORE),
                Serdes.String(), StoredMessages.recordedMessages()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(MESSAGE_IDS_STORE),
                Serdes.String(), Serdes.String()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(MESSAGE_STATUS_STORE),
                Serdes.String(), new JsonSerde<>(DeliveryStatus.class)));
        // Cached: a conversation's reader states and a user's inbox entries change with every message, and the
        // record cache sends each key to its changelog (and RocksDB) once per commit instead of once per change.
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(READERS_STORE),
                Serdes.String(), new JsonSerde<>(ReaderState.class)).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(INBOX_STORE),
                Serdes.String(), inboxEntries).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ERASURES_STORE),
                Serdes.String(), Topics.ERASURES.values()));

        KStream<String, InboxEntry> messageInboxes = builder
                .stream(Topics.MESSAGES.name(), Consumed.with(Topics.MESSAGES.keys(), Topics.MESSAGES.values())
                        .withName("chat-messages"))
                .process(MessageRecorder::new, Named.as("record-messages"),
                        MESSAGES_STORE, MESSAGE_IDS_STORE, READERS_STORE, ERASURES_STORE);

        // Every partition of chat.erasures holds every erasure, so each conversation task erases its own part.
        KStream<String, InboxEntry> erasedInboxes = builder
                .stream(Topics.ERASURES.name(), Consumed.with(Topics.ERASURES.keys(), Topics.ERASURES.values())
                        .withName("chat-erasures"))
                .process(ErasureRecorder::new, Named.as("record-erasures"), MESSAGES_STORE, MESSAGE_IDS_STORE,
                        MESSAGE_STATUS_STORE, READERS_STORE, ERASURES_STORE);

        // Connected to message-ids as well, only so that statuses share the conversation's task.
        builder.stream(Topics.DELIVERIES.name(), Consumed.with(Topics.DELIVERIES.keys(), Topics.DELIVERIES.values())
                        .withName("chat-deliveries"))
                .process(DeliveryRecorder::new, Named.as("record-deliveries"), MESSAGE_STATUS_STORE, MESSAGE_IDS_STORE);

        KStream<String, InboxEntry> readInboxes = builder
                .stream(Topics.READS.name(), Consumed.with(Topics.READS.keys(), Topics.READS.values())
                        .withName("chat-reads"))
                .process(ReadHorizonRecorder::new, Named.as("record-reads"),
                        MESSAGES_STORE, MESSAGE_IDS_STORE, READERS_STORE);

        messageInboxes.merge(readInboxes, Named.as("inbox-updates"))
                .merge(erasedInboxes, Named.as("inbox-erasures"))
                .repartition(Repartitioned.with(USER_KEYS, inboxEntries).withName(INBOX_REPARTITION))
                .process(InboxRecorder::new, Named.as("record-inboxes"), INBOX_STORE);
    }
}
