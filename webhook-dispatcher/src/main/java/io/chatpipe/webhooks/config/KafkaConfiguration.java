package io.chatpipe.webhooks.config;

import io.chatpipe.events.TopicCatalogue;
import io.chatpipe.events.Topics;
import io.chatpipe.events.WebhookDelivery;
import io.chatpipe.events.WebhookEndpointState;
import io.chatpipe.kafka.DurableProducer;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.ProducerListener;
import org.springframework.util.backoff.FixedBackOff;

/**
 * The dispatcher's Kafka: the fan-out's listener container (chat.messages and chat.deliveries into each
 * endpoint's outbox), the producers of outboxes, dead letters and states, and the topics it uses.
 */
@Configuration(proxyBeanMethods = false)
class KafkaConfiguration {

    /** The fan-out's listener containers: raw records in batches, committed once the batch's outbox writes are acknowledged. */
    @Bean
    ConcurrentKafkaListenerContainerFactory<byte[], byte[]> fanOutContainerFactory(
            KafkaProperties kafka, DispatcherProperties properties,
            ObjectProvider<DefaultKafkaConsumerFactoryCustomizer> customizers) {
        Map<String, Object> config = kafka.buildConsumerProperties();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, properties.consumer().groupId());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // a new group reads everything; endpoints skip what was written before they were created
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        var consumers = new DefaultKafkaConsumerFactory<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        customizers.orderedStream().forEach(customizer -> customizer.customize(consumers));
        var factory = new ConcurrentKafkaListenerContainerFactory<byte[], byte[]>();
        factory.setConsumerFactory(consumers);
        factory.setBatchListener(true);
        // a batch whose outbox writes fail (Kafka away) is tried again until they succeed: never skipped
        factory.setCommonErrorHandler(new DefaultErrorHandler(new FixedBackOff(1000, FixedBackOff.UNLIMITED_ATTEMPTS)));
        // started by the endpoint book once it has read every endpoint
        factory.setAutoStartup(false);
        return factory;
    }

    @Bean
    ProducerFactory<String, WebhookDelivery> deliveryProducerFactory(KafkaProperties kafka,
            KafkaConnectionDetails connection, ObjectProvider<DefaultKafkaProducerFactoryCustomizer> customizers) {
        return DurableProducer.factory(kafka, connection, Topics.WEBHOOK_DEAD_LETTERS, customizers);
    }

    /** Writes outboxes and dead letters (both hold {@link WebhookDelivery} records). */
    @Bean
    KafkaTemplate<String, WebhookDelivery> deliveryTemplate(ProducerFactory<String, WebhookDelivery> deliveryProducerFactory) {
        KafkaTemplate<String, WebhookDelivery> template = new KafkaTemplate<>(deliveryProducerFactory);
        // failures are logged once, where they are handled, without the record: it holds a chat message
        template.setProducerListener(new ProducerListener<>() {
        });
        return template;
    }

    @Bean
    ProducerFactory<String, WebhookEndpointState> stateProducerFactory(KafkaProperties kafka,
            KafkaConnectionDetails connection, ObjectProvider<DefaultKafkaProducerFactoryCustomizer> customizers) {
        return DurableProducer.factory(kafka, connection, Topics.WEBHOOK_STATES, customizers);
    }

    @Bean
    KafkaTemplate<String, WebhookEndpointState> stateTemplate(
            ProducerFactory<String, WebhookEndpointState> stateProducerFactory) {
        return new KafkaTemplate<>(stateProducerFactory);
    }

    /**
     * The topics the dispatcher reads and writes, created as the catalogue says when absent (the api-service creates
     * chat.webhooks and chat.webhooks.state too, alike); each endpoint's outbox is created with the endpoint.
     */
    @Bean
    KafkaAdmin.NewTopics dispatcherTopics(TopicCatalogue catalogue) {
        return new KafkaAdmin.NewTopics(
                catalogue.newTopics(Topics.WEBHOOKS, Topics.WEBHOOK_STATES, Topics.WEBHOOK_DEAD_LETTERS));
    }
}
