package io.chatpipe.capture.config;

import io.chatpipe.events.TopicCatalogue;
import io.chatpipe.events.Topics;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;

/** The topics capture writes, created from the topic catalogue when absent, whichever service starts first. */
@Configuration(proxyBeanMethods = false)
class TopicConfiguration {

    @Bean
    KafkaAdmin.NewTopics captureTopics(TopicCatalogue catalogue) {
        return new KafkaAdmin.NewTopics(catalogue.newTopics(Topics.MESSAGES, Topics.DELIVERIES, Topics.READS));
    }
}
