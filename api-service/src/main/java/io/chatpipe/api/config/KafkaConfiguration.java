package io.chatpipe.api.config;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.TopicCatalogue;
import io.chatpipe.events.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.ProducerListener;

/**
 * The producer of {@code chat.messages}, the settings every producer of the api-service shares
 * ({@link #durableProducer}), and the topics this service writes, created from the topic catalogue. Connection settings come from {@code spring.kafka.*}; the
 * guarantees (acks=all, idempotence) and the deadlines are ours and not negotiable by configuration, apart
 * from the deadlines' lengths.
 */
@Configuration(proxyBeanMethods = false)
public class KafkaConfiguration {

    /**
     * {@code linger.ms} unless configured otherwise: none. Every request waits for Kafka's acknowledgement,
     * so Kafka's default of 5 ms was 5 ms on every answer, and on every message's way to its recipient
     * (end-to-end p50 18 ms before, 4 ms after, in the bench). Under load records still go in batches: those
     * that arrive while the producer's earlier requests are in flight.
     */
    private static final long DEFAULT_LINGER_MS = 0;

    /** Every topic's settings: chatpipe's, with this deployment's {@code chatpipe.topics.*} overrides. */
    @Bean
    TopicCatalogue topicCatalogue(Environment environment) {
        return TopicCatalogue.withOverrides(Binder.get(environment)
                .bind(TopicCatalogue.PROPERTIES, Bindable.mapOf(String.class, String.class)).orElseGet(Map::of));
    }

    /**
     * The topics this service writes, created as the catalogue says when absent (the webhook dispatcher creates
     * chat.webhooks and chat.webhooks.state too, alike, so that this instance's reader finds them whichever starts
     * first).
     */
    @Bean
    KafkaAdmin.NewTopics apiTopics(TopicCatalogue catalogue) {
        return new KafkaAdmin.NewTopics(Stream.of(Topics.MESSAGES.name(), Topics.IDEMPOTENCY, Topics.ACCOUNTS.name(),
                Topics.CONTACTS.name(), Topics.PRESENCE.name(), Topics.WEBHOOKS.name(), Topics.WEBHOOK_STATES.name())
                .map(catalogue::newTopic).toArray(NewTopic[]::new));
    }

    @Bean
    DefaultKafkaProducerFactory<ConversationId, MessageAccepted> messageProducerFactory(
            KafkaProperties kafka, KafkaConnectionDetails connection, ApiProperties properties,
            ObjectProvider<DefaultKafkaProducerFactoryCustomizer> customizers) {
        ApiProperties.Publish publish = properties.publish();
        Map<String, Object> config = durableProducer(kafka, connection, publish.maxBlock(), publish.deliveryTimeout());
        var factory = new DefaultKafkaProducerFactory<>(config,
                Topics.MESSAGES.keys().serializer(), Topics.MESSAGES.values().serializer());
        customizers.orderedStream().forEach(customizer -> customizer.customize(factory));
        return factory;
    }

    /**
     * The settings of every producer whose sends a request waits for: {@code spring.kafka.*} for the connection,
     * then ours, which configuration may not weaken: acks=all, idempotent, each wait bounded, and no linger
     * unless configured.
     */
    public static Map<String, Object> durableProducer(KafkaProperties kafka, KafkaConnectionDetails connection,
            Duration maxBlock, Duration deliveryTimeout) {
        Map<String, Object> config = kafka.buildProducerProperties();
        KafkaConnectionDetails.Configuration producer = connection.getProducer();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, producer.getBootstrapServers());
        if (producer.getSecurityProtocol() != null) {
            config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, producer.getSecurityProtocol());
        }
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // ConfigDef parses strings into each setting's own type (int for the timeouts, long for max.block.ms)
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(maxBlock.toMillis()));
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(deliveryTimeout.toMillis()));
        // Kafka insists on delivery.timeout.ms >= linger.ms + request.timeout.ms (default 30 s)
        config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, String.valueOf(DEFAULT_LINGER_MS));
        long lingerMs = Long.parseLong(String.valueOf(config.get(ProducerConfig.LINGER_MS_CONFIG)));
        config.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                String.valueOf(Math.max(1, deliveryTimeout.toMillis() - lingerMs)));
        return config;
    }

    @Bean
    KafkaTemplate<ConversationId, MessageAccepted> messageTemplate(
            DefaultKafkaProducerFactory<ConversationId, MessageAccepted> messageProducerFactory) {
        // the shared producer, created now: a wrong producer setting stops the start, not the first message
        messageProducerFactory.createProducer();
        KafkaTemplate<ConversationId, MessageAccepted> template = new KafkaTemplate<>(messageProducerFactory);
        // a failed send is logged once, where it becomes a 503; and chat messages stay out of the log
        template.setProducerListener(new ProducerListener<>() {
        });
        return template;
    }
}
