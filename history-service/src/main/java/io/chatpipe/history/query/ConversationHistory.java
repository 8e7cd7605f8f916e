package io.chatpipe.history.query;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.history.config.HistoryProperties;
import io.chatpipe.history.topology.ConversationStore;
import io.chatpipe.history.topology.HistoryTopology;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.stereotype.Component;

/**
 * Conversation history from this instance's stores. It reads the local stores only: with one instance
 * that is every conversation; asking the instance that owns a conversation is a later step.
 */
@Component
class ConversationHistory {

    private final StreamsBuilderFactoryBean streams;
    private final int maxMessages;

    ConversationHistory(StreamsBuilderFactoryBean streams, HistoryProperties properties) {
        this.streams = streams;
        this.maxMessages = properties.query().maxMessages();
    }

    /** The newest messages of the conversation (at most chatpipe.history.query.max-messages), oldest first. */
    List<MessageAccepted> latest(ConversationId conversation) {
        KafkaStreams kafkaStreams = streams.getKafkaStreams();
        if (kafkaStreams == null || kafkaStreams.state() != KafkaStreams.State.RUNNING) {
            throw new HistoryUnavailableException("history is " + describe(kafkaStreams), null);
        }
        try {
            return new ConversationStore(kafkaStreams.store(StoreQueryParameters.fromNameAndType(
                    HistoryTopology.MESSAGES_STORE, QueryableStoreTypes.<String, MessageAccepted>keyValueStore())))
                    .latest(conversation, maxMessages);
        } catch (InvalidStateStoreException e) {
            // the store moved or closed between the state check and the read: a rebalance has begun
            throw new HistoryUnavailableException("history store is not available: " + e.getMessage(), e);
        }
    }

    private static String describe(KafkaStreams kafkaStreams) {
        return kafkaStreams == null ? "not started" : kafkaStreams.state().name().toLowerCase(Locale.ROOT);
    }
}
