package io.chatpipe.api.webhook;

import io.chatpipe.api.config.KafkaConfiguration;
import io.chatpipe.events.Topics;
import io.chatpipe.events.WebhookEndpoint;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.ProducerListener;

/** The producer of webhook endpoints. */
@Configuration(proxyBeanMethods = false)
class WebhookConfiguration {

    /** The api-service's durable producer (acks=all, idempotent), every wait bounded by the request timeout. */
    @Bean
    KafkaTemplate<String, WebhookEndpoint> webhookTemplate(KafkaProperties kafka, KafkaConnectionDetails connection,
            WebhookProperties properties) {
        Map<String, Object> config = KafkaConfiguration.durableProducer(kafka, connection, properties.requestTimeout(),
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
