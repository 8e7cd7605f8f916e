package io.chatpipe.api.chat;

import io.chatpipe.api.config.ApiProperties;
import io.chatpipe.kafka.TopicFollower;
import io.chatpipe.kafka.TopicReplica;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class TailConfiguration {

    /**
     * This instance's one reader of the chat's topics, for every {@link TopicFollower} bean: the books (accounts,
     * contacts, webhooks) from their beginning, the live topics (messages, deliveries, presence) from their end.
     * Logins wait until it is ready, so that none is ever judged on half the accounts; since no session opens
     * before that, no live update is missed either. The REST API works, or answers 503, while Kafka is away.
     */
    @Bean
    TopicReplica kafkaTail(List<TopicFollower<?, ?>> followers, KafkaProperties kafka,
            KafkaConnectionDetails connection, ApiProperties properties, MeterRegistry meters) {
        return new TopicReplica("api.live", TopicReplica.consumerConfig(kafka, connection), followers,
                properties.chat().liveLookBack(), meters);
    }
}
