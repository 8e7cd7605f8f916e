package io.chatpipe.history.query;

import io.chatpipe.history.config.InstanceAddress;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Who owns what: every instance of this history application and the partitions and stores it serves. */
@RestController
class InstancesController {

    private final StreamsBuilderFactoryBean streams;
    private final InstanceAddress self;

    InstancesController(StreamsBuilderFactoryBean streams, InstanceAddress self) {
        this.streams = streams;
        this.self = self;
    }

    @GetMapping("/api/v1/instances")
    Instances instances() {
        KafkaStreams kafkaStreams = streams.getKafkaStreams();
        HostInfo me = self.hostInfo();
        String state = kafkaStreams == null ? "NOT_STARTED" : kafkaStreams.state().name();
        List<Instance> instances = kafkaStreams == null || !kafkaStreams.state().isRunningOrRebalancing() ? List.of()
                : kafkaStreams.metadataForAllStreamsClients().stream()
                        .map(metadata -> Instance.of(metadata, metadata.hostInfo().equals(me)))
                        .sorted(Comparator.comparing(Instance::address))
                        .toList();
        return new Instances(me == null ? null : address(me), state, instances);
    }

    /**
     * @param self  this instance's address
     * @param state this instance's Kafka Streams state: RUNNING answers queries; REBALANCING and others answer 503
     */
    record Instances(String self, String state, List<Instance> instances) {
    }

    /**
     * @param partitions        topic to the partitions whose tasks are active here
     * @param standbyPartitions topic to the partitions this instance keeps warm copies of
     */
    record Instance(String address, boolean self, Map<String, Set<Integer>> partitions,
            Map<String, Set<Integer>> standbyPartitions, Set<String> stores) {

        static Instance of(StreamsMetadata metadata, boolean self) {
            return new Instance(InstancesController.address(metadata.hostInfo()), self, byTopic(metadata.topicPartitions()),
                    byTopic(metadata.standbyTopicPartitions()), new TreeSet<>(metadata.stateStoreNames()));
        }
    }

    private static String address(HostInfo host) {
        return host.host() + ":" + host.port();
    }

    private static Map<String, Set<Integer>> byTopic(Set<TopicPartition> partitions) {
        Map<String, Set<Integer>> byTopic = new TreeMap<>();
        partitions.forEach(tp -> byTopic.computeIfAbsent(tp.topic(), topic -> new TreeSet<>()).add(tp.partition()));
        return byTopic;
    }
}
