package io.chatpipe.worker.config;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.DeliveryAttempted;
import io.chatpipe.events.MessageDeadLettered;
import io.chatpipe.events.TopicCatalogue;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import io.chatpipe.events.UserProvisioned;
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
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;

/**
 * The worker's Kafka: it reads {@code chat.messages} (through the delivery dispatcher, which commits an
 * offset only once the record's outcome is in Kafka), reads {@code chat.users} at startup (and, with
 * {@code confirm-by=archive}, follows {@code chat.deliveries} for the archive's evidence), and writes
 * {@code chat.users}, {@code chat.deliveries} and {@code chat.messages.dlq}, all with the topic catalogue's serdes.
 */
@Configuration(proxyBeanMethods = false)
class KafkaConfiguration {

    /**
     * Consumers of raw records: the dispatcher reads each record itself, so that one it cannot read
     * is dead-lettered in its place instead of failing the poll of its whole partition.
     */
    @Bean
    ConsumerFactory<byte[], byte[]> rawConsumerFactory(
            KafkaProperties kafka, WorkerProperties worker,
            ObjectProvider<DefaultKafkaConsumerFactoryCustomizer> customizers) {
        Map<String, Object> config = kafka.buildConsumerProperties();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, worker.consumer().groupId());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // a new group starts at the beginning: every accepted message is delivered
        config.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        var factory = new DefaultKafkaConsumerFactory<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        // as Spring Boot's own factory would be: client metrics, for instance
        customizers.orderedStream().forEach(customizer -> customizer.customize(factory));
        return factory;
    }

    @Bean
    ProducerFactory<UserId, UserProvisioned> userProducerFactory(KafkaProperties kafka,
            KafkaConnectionDetails connection, ObjectProvider<DefaultKafkaProducerFactoryCustomizer> customizers) {
        return DurableProducer.factory(kafka, connection, Topics.USERS, customizers);
    }

    @Bean
    KafkaTemplate<UserId, UserProvisioned> userTemplate(ProducerFactory<UserId, UserProvisioned> userProducerFactory) {
        return new KafkaTemplate<>(userProducerFactory);
    }

    @Bean
    ProducerFactory<ConversationId, DeliveryAttempted> deliveryProducerFactory(KafkaProperties kafka,
            KafkaConnectionDetails connection, ObjectProvider<DefaultKafkaProducerFactoryCustomizer> customizers) {
        return DurableProducer.factory(kafka, connection, Topics.DELIVERIES, customizers);
    }

    @Bean
    KafkaTemplate<ConversationId, DeliveryAttempted> deliveryTemplate(
            ProducerFactory<ConversationId, DeliveryAttempted> deliveryProducerFactory) {
        return new KafkaTemplate<>(deliveryProducerFactory);
    }

    @Bean
    ProducerFactory<ConversationId, MessageDeadLettered> deadLetterProducerFactory(KafkaProperties kafka,
            KafkaConnectionDetails connection, ObjectProvider<DefaultKafkaProducerFactoryCustomizer> customizers) {
        return DurableProducer.factory(kafka, connection, Topics.DEAD_LETTERS, customizers);
    }

    @Bean
    KafkaTemplate<ConversationId, MessageDeadLettered> deadLetterTemplate(
            ProducerFactory<ConversationId, MessageDeadLettered> deadLetterProducerFactory) {
        return new KafkaTemplate<>(deadLetterProducerFactory);
    }

    /** The topics the worker writes, created as the catalogue says when absent. */
    @Bean
    KafkaAdmin.NewTopics workerTopics(TopicCatalogue catalogue) {
        return new KafkaAdmin.NewTopics(catalogue.newTopics(Topics.USERS, Topics.DELIVERIES, Topics.DEAD_LETTERS));
    }
}
