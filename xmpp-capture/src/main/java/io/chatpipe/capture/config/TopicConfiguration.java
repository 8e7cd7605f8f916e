package io.chatpipe.capture.config;

import io.chatpipe.events.TopicCatalogue;
import io.chatpipe.events.Topics;
import java.util.Map;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.kafka.core.KafkaAdmin;

/** The topics capture writes, created from the topic catalogue when absent, whichever service starts first. */
@Configuration(proxyBeanMethods = false)
class TopicConfiguration {

    /** Every topic's settings: chatpipe's, with this deployment's {@code chatpipe.topics.*} overrides. */
    @Bean
    TopicCatalogue topicCatalogue(Environment environment) {
        return TopicCatalogue.withOverrides(Binder.get(environment)
                .bind(TopicCatalogue.PROPERTIES, Bindable.mapOf(String.class, String.class)).orElseGet(Map::of));
    }

    @Bean
    KafkaAdmin.NewTopics captureTopics(TopicCatalogue catalogue) {
        return new KafkaAdmin.NewTopics(catalogue.newTopics(Topics.MESSAGES, Topics.DELIVERIES, Topics.READS));
    }
}
