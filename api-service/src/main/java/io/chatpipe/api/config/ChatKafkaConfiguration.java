package io.chatpipe.api.config;

import io.chatpipe.kafka.DurableProducer;
import io.chatpipe.events.ChatEvent;
import io.chatpipe.events.JsonSerde;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
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
 * The chat's topics (accounts, contacts, presence) and the producer of their events, keyed by user. Same
 * guarantees as the messages' producer: acks=all, idempotent, every wait bounded.
 */
@Configuration(proxyBeanMethods = false)
class ChatKafkaConfiguration {

    @Bean
    NewTopic accountsTopic(ApiProperties properties) {
        ApiProperties.Chat chat = properties.chat();
        // compacted: the latest record of each user stays; a losing registration is followed by the winner
        // written again (see io.chatpipe.api.account.AccountBook), so the latest is always the winner
        return TopicBuilder.name(Topics.ACCOUNTS.name()).partitions(chat.partitions()).replicas(chat.replicas())
                .config(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)
                .build();
    }

    @Bean
    NewTopic contactsTopic(ApiProperties properties) {
        ApiProperties.Chat chat = properties.chat();
        // a contact list is the replay of its changes, so they are kept forever (they are small)
        return TopicBuilder.name(Topics.CONTACTS.name()).partitions(chat.partitions()).replicas(chat.replicas())
                .config(TopicConfig.RETENTION_MS_CONFIG, "-1")
                .build();
    }

    @Bean
    NewTopic presenceTopic(ApiProperties properties) {
        ApiProperties.Chat chat = properties.chat();
        return TopicBuilder.name(Topics.PRESENCE.name()).partitions(chat.partitions()).replicas(chat.replicas())
                .config(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(chat.presenceRetention().toMillis()))
                .build();
    }

    @Bean
    KafkaTemplate<UserId, ChatEvent> chatEventTemplate(KafkaProperties kafka, KafkaConnectionDetails connection,
            ApiProperties properties) {
        // a login or a contact change waits for its event's acknowledgement, as a message's request does
        Map<String, Object> config = DurableProducer.config(kafka, connection,
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
