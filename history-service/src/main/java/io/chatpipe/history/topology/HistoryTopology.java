package io.chatpipe.history.topology;

import io.chatpipe.events.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.Stores;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The history topology: every accepted message, once, in its conversation's order.
 *
 * <p>{@code chat.messages} is keyed by conversation, so a conversation is one partition and one task;
 * both stores of that task hold everything about it, and its partition's offsets give its order.
 */
@Component
public class HistoryTopology {

    /** Conversation messages; see {@link ConversationStore} for the key layout. */
    public static final String MESSAGES_STORE = "conversation-messages";

    /** Message id to its key in {@link #MESSAGES_STORE}: de-duplication now, lookup by message id later. */
    public static final String MESSAGE_IDS_STORE = "message-ids";

    @Autowired
    public void build(StreamsBuilder builder) {
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(MESSAGES_STORE), Serdes.String(), Topics.MESSAGES.values()));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(MESSAGE_IDS_STORE), Serdes.String(), Serdes.String()));

        builder.stream(Topics.MESSAGES.name(), Consumed.with(Topics.MESSAGES.keys(), Topics.MESSAGES.values()))
                .process(MessageRecorder::new, Named.as("record-messages"), MESSAGES_STORE, MESSAGE_IDS_STORE);
    }
}
