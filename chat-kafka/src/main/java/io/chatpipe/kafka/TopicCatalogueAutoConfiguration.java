package io.chatpipe.kafka;

import io.chatpipe.events.TopicCatalogue;
import java.util.Map;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * The topic catalogue of every service that has chat-kafka: each creates the topics it uses from it, whichever
 * service starts first. A context that declares its own catalogue (a test's) keeps it.
 */
@AutoConfiguration
public class TopicCatalogueAutoConfiguration {

    /** Every topic's settings: chatpipe's, with this deployment's {@code chatpipe.topics.*} overrides. */
    @Bean
    @ConditionalOnMissingBean
    TopicCatalogue topicCatalogue(Environment environment) {
        return TopicCatalogue.withOverrides(Binder.get(environment)
                .bind(TopicCatalogue.PROPERTIES, Bindable.mapOf(String.class, String.class)).orElseGet(Map::of));
    }
}
