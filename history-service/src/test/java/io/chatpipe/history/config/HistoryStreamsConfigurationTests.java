package io.chatpipe.history.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.events.TopicCatalogue;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;

/**
 * The stream thread's fetches and commits: whatever arrived in the last 10 ms at once, a commit a second, unless
 * configured otherwise; each instance's static identity in the group; internal topics replicated as the catalogue says.
 */
class HistoryStreamsConfigurationTests {

    private static final String MIN_BYTES = StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MIN_BYTES_CONFIG);
    private static final String MAX_WAIT = StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG);

    @Test
    void fetchesWhatArrivedInTheLast10MsAtOnceAndCommitsOnceASecond() {
        Map<String, Object> config = streamsConfig(new KafkaProperties());

        assertThat(config).containsEntry(MIN_BYTES, 64 * 1024).containsEntry(MAX_WAIT, 10)
                .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000)
                .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    }

    @Test
    void aConfiguredFetchAndCommitIntervalWin() {
        var kafka = new KafkaProperties();
        kafka.getStreams().getProperties().put(MAX_WAIT, "5");
        kafka.getStreams().getProperties().put(MIN_BYTES, "1");
        kafka.getStreams().getProperties().put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");

        assertThat(streamsConfig(kafka)).containsEntry(MAX_WAIT, "5").containsEntry(MIN_BYTES, "1")
                .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
    }

    @Test
    void eachStateDirectoryIsOneStaticMemberUnlessConfigured() {
        Object one = streamsConfig(new KafkaProperties(), Map.of("chatpipe.history.streams.state-dir", "/srv/one"))
                .get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        Object again = streamsConfig(new KafkaProperties(), Map.of("chatpipe.history.streams.state-dir", "/srv/one"))
                .get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        Object other = streamsConfig(new KafkaProperties(), Map.of("chatpipe.history.streams.state-dir", "/srv/two"))
                .get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);

        assertThat(one).isNotNull().isEqualTo(again).isNotEqualTo(other);
        assertThat(streamsConfig(new KafkaProperties(), Map.of("chatpipe.history.streams.instance-id", "history-a")))
                .containsEntry(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "history-a");
        assertThat(streamsConfig(new KafkaProperties(), Map.of("chatpipe.history.streams.instance-id", "none")))
                .doesNotContainKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    }

    @Test
    void replicatesItsInternalTopicsAsTheCatalogueReplicatesEveryTopic() {
        var cluster = TopicCatalogue.withOverrides(Map.of("default.replicas", "3"));

        assertThat(streamsConfig(new KafkaProperties(), Map.of(), cluster))
                .containsEntry(StreamsConfig.REPLICATION_FACTOR_CONFIG, 3)
                .containsEntry(StreamsConfig.topicPrefix("min.insync.replicas"), 2);
        assertThat(streamsConfig(new KafkaProperties())).containsEntry(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    }

    private static Map<String, Object> streamsConfig(KafkaProperties kafka) {
        return streamsConfig(kafka, Map.of());
    }

    private static Map<String, Object> streamsConfig(KafkaProperties kafka, Map<String, String> settings) {
        return streamsConfig(kafka, settings, TopicCatalogue.defaults());
    }

    private static Map<String, Object> streamsConfig(KafkaProperties kafka, Map<String, String> settings,
            TopicCatalogue topics) {
        HistoryProperties history = new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("chatpipe.history", HistoryProperties.class);
        return new HistoryStreamsConfiguration()
                .defaultKafkaStreamsConfig(kafka, () -> List.of("127.0.0.1:9092"), history, topics)
                .asProperties().entrySet().stream()
                .collect(Collectors.toMap(e -> String.valueOf(e.getKey()), Map.Entry::getValue));
    }
}
