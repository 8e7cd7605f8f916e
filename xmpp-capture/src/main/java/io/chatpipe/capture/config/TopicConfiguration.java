package io.chatpipe.capture.config;

import io.chatpipe.events.TopicCatalogue;
import io.chatpipe.events.Topics;
import io.chatpipe.kafka.DurableProducer;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;

/**
 * The topics capture writes, created from the topic catalogue when absent, whichever service starts first; and
 * the one durable producer (acks=all, idempotent: each partition's records in Kafka once, in the order sent)
 * that writes each batch's records to them.
 */
@Configuration(proxyBeanMethods = false)
class TopicConfiguration {

    @Bean
    KafkaAdmin.NewTopics captureTopics(TopicCatalogue catalogue) {
        return new KafkaAdmin.NewTopics(catalogue.newTopics(Topics.MESSAGES, Topics.DELIVERIES, Topics.READS));
    }

    /** Records of several topics, serialized by capture with each topic's serdes. */
    @Bean
    ProducerFactory<byte[], byte[]> captureProducerFactory(KafkaProperties kafka, KafkaConnectionDetails connection,
            ObjectProvider<DefaultKafkaProducerFactoryCustomizer> customizers) {
        Map<String, Object> config = DurableProducer.config(kafka, connection);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "capture");
        var factory = DurableProducer.factory(config, new ByteArraySerializer(), new ByteArraySerializer(), customizers);
        // on shutdown: what is not in Kafka by then is captured again after the restart
        factory.setPhysicalCloseTimeout(5);
        return factory;
    }

    @Bean
    KafkaTemplate<byte[], byte[]> captureTemplate(ProducerFactory<byte[], byte[]> captureProducerFactory) {
        return new KafkaTemplate<>(captureProducerFactory);
    }
}
