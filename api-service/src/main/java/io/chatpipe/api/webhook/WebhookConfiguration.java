package io.chatpipe.api.webhook;

import io.chatpipe.kafka.DurableProducer;
import io.chatpipe.events.Topic;
import io.chatpipe.events.Topics;
import io.chatpipe.events.WebhookEndpoint;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.ProducerListener;

/**
 * The compacted topics of webhook endpoints and of their states (declared here too, with the dispatcher's
 * settings, so this instance's reader finds them whichever service starts first), and the producer of endpoints.
 */
@Configuration(proxyBeanMethods = false)
class WebhookConfiguration {

    @Bean
    NewTopic webhooksTopic(WebhookProperties properties) {
        return compacted(Topics.WEBHOOKS, properties);
    }

    @Bean
    NewTopic webhookStatesTopic(WebhookProperties properties) {
        return compacted(Topics.WEBHOOK_STATES, properties);
    }

    private static NewTopic compacted(Topic<?, ?> topic, WebhookProperties properties) {
        return TopicBuilder.name(topic.name()).partitions(properties.partitions()).replicas(properties.replicas())
                .config(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT).build();
    }

    /** The api-service's durable producer (acks=all, idempotent), every wait bounded by the request timeout. */
    @Bean
    KafkaTemplate<String, WebhookEndpoint> webhookTemplate(KafkaProperties kafka, KafkaConnectionDetails connection,
            WebhookProperties properties) {
        Map<String, Object> config = DurableProducer.config(kafka, connection, properties.requestTimeout(),
                properties.requestTimeout());
        config.put(ProducerConfig.CLIENT_ID_CONFIG, config.getOrDefault(ProducerConfig.CLIENT_ID_CONFIG, "api-service")
                + "-webhooks");
        var factory = new DefaultKafkaProducerFactory<>(config, Topics.WEBHOOKS.keys().serializer(),
                Topics.WEBHOOKS.values().serializer());
        KafkaTemplate<String, WebhookEndpoint> template = new KafkaTemplate<>(factory);
        // endpoints carry signing secrets: failures are logged once, where they are handled, without the record
        template.setProducerListener(new ProducerListener<>() {
        });
        return template;
    }
}
