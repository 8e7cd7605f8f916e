package io.chatpipe.history.health;

import io.chatpipe.events.Topics;
import io.chatpipe.history.config.InstanceAddress;
import io.chatpipe.history.topology.HistoryTopology;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.stereotype.Component;

/**
 * Readiness of this instance (health contributor {@code streamsReadiness}, in the readiness group): UP only while
 * Kafka Streams runs and every store of every partition assigned to this instance answers a read, so that a
 * query sent here gets its answer, not a 503. OUT_OF_SERVICE while starting, rebalancing, restoring or stopped.
 * A restoring task is assigned but not queryable (Kafka Streams may run its other tasks meanwhile), which is
 * why the stores are asked and not only the client's state.
 */
@Component("streamsReadiness")
class StreamsReadiness implements HealthIndicator {

    /** The stores of each task, which follows one partition of chat.messages (and of the topics joined to it). */
    private static final List<String> STORES = List.of(HistoryTopology.MESSAGES_STORE,
            HistoryTopology.MESSAGE_STATUS_STORE, HistoryTopology.READERS_STORE,
            HistoryTopology.ERASURES_STORE);

    private final StreamsBuilderFactoryBean streams;
    private final InstanceAddress self;

    StreamsReadiness(StreamsBuilderFactoryBean streams, InstanceAddress self) {
        this.streams = streams;
        this.self = self;
    }

    @Override
    public Health health() {
        KafkaStreams kafkaStreams = streams.getKafkaStreams();
        if (kafkaStreams == null) {
            return notReady("not started").build();
        }
        KafkaStreams.State state = kafkaStreams.state();
        if (state != KafkaStreams.State.RUNNING) {
            return notReady(state.name().toLowerCase(Locale.ROOT)).build();
        }
        Set<TopicPartition> assigned = assignedHere(kafkaStreams);
        try {
            for (TopicPartition partition : assigned) {
                if (!partition.topic().equals(Topics.MESSAGES.name())) {
                    continue;
                }
                for (String store : STORES) {
                    kafkaStreams.store(StoreQueryParameters.fromNameAndType(store,
                            QueryableStoreTypes.keyValueStore()).withPartition(partition.partition()))
                            .approximateNumEntries();
                }
            }
        } catch (InvalidStateStoreException e) {
            return notReady("restoring").withDetail("store", e.getMessage()).build();
        }
        return Health.up().withDetail("state", "running").withDetail("partitions", assigned.size()).build();
    }

    private Set<TopicPartition> assignedHere(KafkaStreams kafkaStreams) {
        HostInfo me = self.hostInfo();
        return kafkaStreams.metadataForAllStreamsClients().stream()
                .filter(client -> client.hostInfo().equals(me))
                .map(StreamsMetadata::topicPartitions)
                .findFirst().orElse(Set.of());
    }

    private static Health.Builder notReady(String state) {
        return Health.status(Status.OUT_OF_SERVICE).withDetail("state", state);
    }
}
