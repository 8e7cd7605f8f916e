package io.chatpipe.kafka;

import io.chatpipe.events.Topic;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serializer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;

/**
 * The settings of every producer of ours: {@code spring.kafka.*} and the connection details for the connection,
 * then what configuration may not weaken: acks=all and idempotence, so that an acknowledged record is in Kafka
 * once.
 */
public final class DurableProducer {

    /**
     * {@code linger.ms} unless configured otherwise: none. Writers wait for Kafka's acknowledgement (a request,
     * a conversation's next delivery round), so Kafka's default of 5 ms was 5 ms on every answer, and on every
     * message's way to its recipient (end-to-end p50 18 ms before, 4 ms after, in the bench). Under load
     * records still go in batches: those that arrive while the producer's earlier requests are in flight.
     */
    private static final long DEFAULT_LINGER_MS = 0;

    private DurableProducer() {
    }

    /** Durable settings: acks=all, idempotent, no linger unless configured. */
    public static Map<String, Object> config(KafkaProperties kafka, KafkaConnectionDetails connection) {
        Map<String, Object> config = kafka.buildProducerProperties();
        KafkaConnectionDetails.Configuration producer = connection.getProducer();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, producer.getBootstrapServers());
        if (producer.getSecurityProtocol() != null) {
            config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, producer.getSecurityProtocol());
        }
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, String.valueOf(DEFAULT_LINGER_MS));
        return config;
    }

    /**
     * Durable settings for producers whose sends a request waits for, each wait bounded: a send blocks at most
     * {@code maxBlock} for metadata or buffer space, and is acknowledged or failed within {@code deliveryTimeout}.
     */
    public static Map<String, Object> config(KafkaProperties kafka, KafkaConnectionDetails connection,
            Duration maxBlock, Duration deliveryTimeout) {
        Map<String, Object> config = config(kafka, connection);
        // ConfigDef parses strings into each setting's own type (int for the timeouts, long for max.block.ms)
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(maxBlock.toMillis()));
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(deliveryTimeout.toMillis()));
        // Kafka insists on delivery.timeout.ms >= linger.ms + request.timeout.ms (default 30 s)
        long lingerMs = Long.parseLong(String.valueOf(config.get(ProducerConfig.LINGER_MS_CONFIG)));
        config.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                String.valueOf(Math.max(1, deliveryTimeout.toMillis() - lingerMs)));
        return config;
    }

    /**
     * A producer factory of the topic's serdes with these settings, customized as Spring Boot's own factory
     * would be (client metrics, for instance).
     */
    public static <K, V> DefaultKafkaProducerFactory<K, V> factory(Map<String, Object> config, Topic<K, V> topic,
            ObjectProvider<DefaultKafkaProducerFactoryCustomizer> customizers) {
        return factory(config, topic.keys().serializer(), topic.values().serializer(), customizers);
    }

    /**
     * A producer factory with these settings and serializers, for a writer of several topics that serializes its
     * records itself (capture writes each batch through one producer, in order).
     */
    public static <K, V> DefaultKafkaProducerFactory<K, V> factory(Map<String, Object> config, Serializer<K> keys,
            Serializer<V> values, ObjectProvider<DefaultKafkaProducerFactoryCustomizer> customizers) {
        var factory = new DefaultKafkaProducerFactory<>(config, keys, values);
        customizers.orderedStream().forEach(customizer -> customizer.customize(factory));
        return factory;
    }

    /** A producer factory of the topic's serdes with the durable settings ({@link #config(KafkaProperties, KafkaConnectionDetails)}). */
    public static <K, V> DefaultKafkaProducerFactory<K, V> factory(KafkaProperties kafka, KafkaConnectionDetails connection,
            Topic<K, V> topic, ObjectProvider<DefaultKafkaProducerFactoryCustomizer> customizers) {
        return factory(config(kafka, connection), topic, customizers);
    }
}
