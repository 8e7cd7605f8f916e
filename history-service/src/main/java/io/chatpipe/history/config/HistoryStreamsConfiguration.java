package io.chatpipe.history.config;

import io.chatpipe.events.TopicCatalogue;
import io.chatpipe.events.TopicSettings;
import io.chatpipe.events.Topics;
import io.chatpipe.history.rebuild.HistoryRebuild;
import io.chatpipe.history.topology.HistoryTopology;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.KafkaClientSupplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.EnableKafkaStreams;
import org.springframework.kafka.annotation.KafkaStreamsDefaultConfiguration;
import org.springframework.kafka.config.KafkaStreamsConfiguration;
import org.springframework.kafka.config.KafkaStreamsCustomizer;
import org.springframework.kafka.config.StreamsBuilderFactoryBeanConfigurer;
import org.springframework.kafka.core.CleanupConfig;
import org.springframework.kafka.core.KafkaAdmin;

/** The Kafka Streams application behind the history: exactly-once, RocksDB state in a configured directory. */
@Configuration(proxyBeanMethods = false)
@EnableKafkaStreams
class HistoryStreamsConfiguration {

    private static final Logger log = LoggerFactory.getLogger(HistoryStreamsConfiguration.class);

    /** Most bytes one fetch of the stream thread's consumer returns; see {@link #defaultKafkaStreamsConfig}. */
    static final int FETCH_BYTES = 256 * 1024;
    /**
     * How long the broker may hold the stream thread's fetch for {@link #FETCH_MIN_BYTES} to arrive: history takes
     * what came in the last 10 ms in one fetch, instead of one fetch for each message and each outcome. At 50 ms
     * (when every fetch also led to a commit within 100 ms) a message a second waited 50 ms of its way to the
     * query side: written-to-visible p50 69 ms at 50 ms with 100 ms commits, 29 ms at 5 ms with 1 s commits.
     */
    static final int FETCH_MAX_WAIT_MS = 10;
    /**
     * Exactly-once commits every 100 ms unless told otherwise; each commit flushes the record cache (so a
     * conversation's reader states and a user's inbox entry reach their changelogs once per commit, not once per
     * message) and ends a transaction on every partition written. At 1 s the broker's CPU per message rebuilt fell
     * to about half (165-194 to 67-90 us, same runs) and nothing a query reads waits for it: the stores answer from
     * the cache, inboxes included (they are read from the conversations' own stores).
     */
    static final int COMMIT_INTERVAL_MS = 1000;
    static final int FETCH_MIN_BYTES = 64 * 1024;

    /**
     * Replaces Spring Boot's default so that chatpipe.history decides what history depends on;
     * spring.kafka.bootstrap-servers and any other spring.kafka.streams.* property still apply.
     */
    @Bean(KafkaStreamsDefaultConfiguration.DEFAULT_STREAMS_CONFIG_BEAN_NAME)
    KafkaStreamsConfiguration defaultKafkaStreamsConfig(
            KafkaProperties kafka, KafkaConnectionDetails connection, HistoryProperties history,
            TopicCatalogue topics) {
        Map<String, Object> config = kafka.buildStreamsProperties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, connection.getStreams().getBootstrapServers());
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, history.streams().applicationId());
        config.put(StreamsConfig.STATE_DIR_CONFIG, history.streams().stateDir().toAbsolutePath().toString());
        // changelog and repartition topics are replicated as every other topic of this deployment
        TopicSettings internal = topics.defaultSettings();
        config.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) internal.replicas());
        config.put(StreamsConfig.topicPrefix(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG), internal.minInsyncReplicas());
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        config.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, history.streams().standbyReplicas());
        // Static membership: an instance back under its id (Kafka Streams adds each thread's number) gets its tasks
        // at once. After a kill -9 a dynamic member waited for its old self's session to time out: 28-34 s of 503s.
        history.streams().groupInstanceId().ifPresent(id -> config.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, id));
        // A record no reader can parse is logged and skipped: one bad record must not stop all history.
        config.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndContinueExceptionHandler.class);
        // A fetch response is read into one array as large as the response. Kafka's defaults (up to 1 MiB a
        // partition, 50 MiB in all) make that several MiB while catching up: on a small heap each is a humongous
        // object (half a G1 region or more: 512 KiB up to a 2 GiB heap). JFR, catching up on 1,000,000 messages
        // with 512 MiB: one young collection in eight forced by one, 155 concurrent marks in 95 s, GC pauses
        // 3.4 s of CPU; with 256 KiB fetches none, 2 marks in 110 s, 1.6 s.
        config.putIfAbsent(StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MAX_BYTES_CONFIG), FETCH_BYTES);
        config.putIfAbsent(StreamsConfig.mainConsumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG),
                FETCH_BYTES);
        // At a few hundred messages a second the broker answered the stream thread once for each record of
        // chat.messages and chat.deliveries, and each answer was a poll, a commit check and a transaction's
        // worth of work for one record; with commits once a second a short wait is enough to batch them.
        config.putIfAbsent(StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MIN_BYTES_CONFIG), FETCH_MIN_BYTES);
        config.putIfAbsent(StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG),
                FETCH_MAX_WAIT_MS);
        config.putIfAbsent(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, COMMIT_INTERVAL_MS);
        return new KafkaStreamsConfiguration(config);
    }

    /**
     * A stream thread that dies of an unexpected error is replaced, so history keeps up instead of freezing.
     * A deployment whose stores are still in a former layout ({@link HistoryTopology#FORMER_INTERNAL_TOPICS}: inboxes
     * kept by user, message ids in a store of their own) is rebuilt once, as {@code rebuild=true} would, because the current stores are not in its
     * changelogs: without it, inboxes and unread counts would start empty.
     * An instance that stops leaves the group at once (a static member too: Kafka Streams removes it), so that its
     * partitions move without waiting for a session timeout; one that is killed keeps its place for the session
     * timeout, in which it may come back under the same id without a rebalance. Kafka Streams is told this instance's address only when it starts, after the web
     * server, whose port may have been picked at random.
     */
    @Bean
    StreamsBuilderFactoryBeanConfigurer historyStreamsLifecycle(InstanceAddress address, HistoryProperties history,
            HistoryRebuild rebuild, SourceTopics sources) {
        String applicationId = history.streams().applicationId();
        return factoryBean -> {
            boolean asked = history.streams().rebuild();
            // a rebuild starts from empty local stores; Kafka Streams wipes them before it starts
            factoryBean.setCleanupConfig(new CleanupConfig(asked, false));
            factoryBean.setStreamsUncaughtExceptionHandler(e -> {
                log.error("History stream thread failed; replacing it", e);
                return StreamThreadExceptionResponse.REPLACE_THREAD;
            });
            factoryBean.setLeaveGroupOnClose(true);
            factoryBean.setKafkaStreamsCustomizer(new KafkaStreamsCustomizer() {
                @Override
                public KafkaStreams initKafkaStreams(Topology topology, Properties properties,
                        KafkaClientSupplier clients) {
                    Properties withAddress = new Properties();
                    withAddress.putAll(properties);
                    HostInfo self = address.hostInfo();
                    if (self != null) {
                        withAddress.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port());
                    }
                    sources.requireCoPartitioned();
                    log.info("History instance at {} starts Kafka Streams {}", self, applicationId);
                    boolean upgrading = !asked
                            && rebuild.hasInternalTopic(applicationId, HistoryTopology.FORMER_INTERNAL_TOPICS);
                    if (asked) {
                        log.info("Rebuilding {} from the topics (chatpipe.history.streams.rebuild=true)",
                                applicationId);
                    } else if (upgrading) {
                        log.warn("Rebuilding {} from the topics once: its stores are in the layout of an older "
                                + "version (inboxes kept by user, or message ids apart), which this version does not read",
                                applicationId);
                    }
                    if (asked || upgrading) {
                        rebuild.reset(applicationId);
                    }
                    KafkaStreams kafkaStreams = new KafkaStreams(topology, withAddress, clients);
                    if (upgrading) {
                        kafkaStreams.cleanUp(); // the local stores are wiped too, as for a rebuild asked for
                    }
                    return kafkaStreams;
                }

                @Override
                public void customize(KafkaStreams kafkaStreams) {
                    if (asked) {
                        rebuild.reportProgress(applicationId);
                    }
                }
            });
        };
    }

    /**
     * The topics history reads and writes, created as the catalogue says when absent: Kafka Streams cannot start
     * without its source topics, whichever service starts first. Erasures (DELETE /api/v1/users/{id}/messages) and
     * read horizons (PUT .../read) are history's own.
     */
    @Bean
    KafkaAdmin.NewTopics historyTopics(TopicCatalogue catalogue) {
        return new KafkaAdmin.NewTopics(
                catalogue.newTopics(Topics.MESSAGES, Topics.DELIVERIES, Topics.ERASURES, Topics.READS));
    }
}
