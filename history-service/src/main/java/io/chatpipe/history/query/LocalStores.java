package io.chatpipe.history.query;

import io.chatpipe.history.topology.ConversationStore;
import io.chatpipe.history.topology.HistoryTopology;
import io.chatpipe.history.topology.InboxStore;
import java.util.Locale;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.stereotype.Component;

/**
 * This instance's stores, active copies only: a task that is still restoring, or a partition this instance
 * does not own, is "not available" (503), never an empty answer.
 */
@Component
class LocalStores {

    private final StreamsBuilderFactoryBean streams;

    LocalStores(StreamsBuilderFactoryBean streams) {
        this.streams = streams;
    }

    /** Kafka Streams, when it is running (not starting, rebalancing or stopped). */
    KafkaStreams running() {
        KafkaStreams kafkaStreams = streams.getKafkaStreams();
        if (kafkaStreams == null || kafkaStreams.state() != KafkaStreams.State.RUNNING) {
            throw new HistoryUnavailableException("history is " + (kafkaStreams == null ? "not started"
                    : kafkaStreams.state().name().toLowerCase(Locale.ROOT)), null);
        }
        return kafkaStreams;
    }

    /** The conversation stores of one partition of chat.messages. */
    ConversationStore conversations(int partition) {
        return new ConversationStore(store(HistoryTopology.MESSAGES_STORE, partition),
                store(HistoryTopology.MESSAGE_STATUS_STORE, partition),
                store(HistoryTopology.READERS_STORE, partition));
    }

    /** The conversation stores of every partition this instance owns. */
    ConversationStore conversationsOnThisInstance() {
        return new ConversationStore(store(HistoryTopology.MESSAGES_STORE, null),
                store(HistoryTopology.MESSAGE_STATUS_STORE, null),
                store(HistoryTopology.READERS_STORE, null));
    }

    /** Users' inboxes as far as one partition of chat.messages holds them. */
    InboxStore inboxes(int partition) {
        return new InboxStore(store(HistoryTopology.READERS_STORE, partition),
                store(HistoryTopology.MESSAGES_STORE, partition));
    }

    private <V> ReadOnlyKeyValueStore<String, V> store(String name, Integer partition) {
        var parameters = StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<String, V>keyValueStore());
        try {
            return running().store(partition == null ? parameters : parameters.withPartition(partition));
        } catch (InvalidStateStoreException e) {
            // restoring, migrating, or moved away between the metadata lookup and the read
            throw new HistoryUnavailableException("store " + name + " is not available: " + e.getMessage(), e);
        }
    }
}
