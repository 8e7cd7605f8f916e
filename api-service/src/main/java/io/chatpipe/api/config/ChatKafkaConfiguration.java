package io.chatpipe.api.config;

import io.chatpipe.events.ChatEvent;
import io.chatpipe.events.JsonSerde;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.ProducerListener;

/**
 * The producer of the chat's events (accounts, contacts, presence), keyed by user. Same
 * guarantees as the messages' producer: acks=all, idempotent, every wait bounded.
 */
@Configuration(proxyBeanMethods = false)
class ChatKafkaConfiguration {

    @Bean
    KafkaTemplate<UserId, ChatEvent> chatEventTemplate(KafkaProperties kafka, KafkaConnectionDetails connection,
            ApiProperties properties) {
        // a login or a contact change waits for its event's acknowledgement, as a message's request does
        Map<String, Object> config = KafkaConfiguration.durableProducer(kafka, connection,
                properties.publish().maxBlock(), properties.chat().requestTimeout());
        config.put(ProducerConfig.CLIENT_ID_CONFIG, config.getOrDefault(ProducerConfig.CLIENT_ID_CONFIG, "api-service")
                + "-chat");
        var factory = new DefaultKafkaProducerFactory<>(config, Topics.ACCOUNTS.keys().serializer(),
                new JsonSerde<>(ChatEvent.class).serializer());
        KafkaTemplate<UserId, ChatEvent> template = new KafkaTemplate<>(factory);
        // failures are logged once, where they are handled; account records carry password hashes
        template.setProducerListener(new ProducerListener<>() {
        });
        return template;
    }
}
