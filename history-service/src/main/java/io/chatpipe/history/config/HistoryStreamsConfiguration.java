package io.chatpipe.history.config;

import io.chatpipe.events.Topics;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.EnableKafkaStreams;
import org.springframework.kafka.annotation.KafkaStreamsDefaultConfiguration;
import org.springframework.kafka.config.KafkaStreamsConfiguration;
import org.springframework.kafka.config.StreamsBuilderFactoryBeanConfigurer;
import org.springframework.kafka.config.TopicBuilder;

/** The Kafka Streams application behind the history: exactly-once, RocksDB state in a configured directory. */
@Configuration(proxyBeanMethods = false)
@EnableKafkaStreams
class HistoryStreamsConfiguration {

    private static final Logger log = LoggerFactory.getLogger(HistoryStreamsConfiguration.class);

    /**
     * Replaces Spring Boot's default so that chatpipe.history decides what history depends on;
     * spring.kafka.bootstrap-servers and any other spring.kafka.streams.* property still apply.
     */
    @Bean(KafkaStreamsDefaultConfiguration.DEFAULT_STREAMS_CONFIG_BEAN_NAME)
    KafkaStreamsConfiguration defaultKafkaStreamsConfig(
            KafkaProperties kafka, KafkaConnectionDetails connection, HistoryProperties history) {
        Map<String, Object> config = kafka.buildStreamsProperties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, connection.getStreams().getBootstrapServers());
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, history.streams().applicationId());
        config.put(StreamsConfig.STATE_DIR_CONFIG, history.streams().stateDir().toAbsolutePath().toString());
        config.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) history.streams().replicationFactor());
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // A record no reader can parse is logged and skipped: one bad record must not stop all history.
        config.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndContinueExceptionHandler.class);
        return new KafkaStreamsConfiguration(config);
    }

    /** A stream thread that dies of an unexpected error is replaced, so history keeps up instead of freezing. */
    @Bean
    StreamsBuilderFactoryBeanConfigurer replaceFailedStreamThreads() {
        return factoryBean -> factoryBean.setStreamsUncaughtExceptionHandler(e -> {
            log.error("History stream thread failed; replacing it", e);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    }

    /**
     * The topic history reads. Declared here too because Kafka Streams cannot start without its source
     * topic, whichever service starts first; an existing topic is left as it is.
     */
    @Bean
    NewTopic messagesTopic(HistoryProperties history) {
        return TopicBuilder.name(Topics.MESSAGES.name())
                .partitions(history.topics().partitions())
                .replicas(history.topics().replicas())
                .config(TopicConfig.RETENTION_MS_CONFIG, retentionMs(history.topics()))
                .build();
    }

    private static String retentionMs(HistoryProperties.TopicDefaults topics) {
        return topics.messageRetention().isNegative() ? "-1" : Long.toString(topics.messageRetention().toMillis());
    }
}
