package io.chatpipe.api.config;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.TopicCatalogue;
import io.chatpipe.events.Topics;
import io.chatpipe.kafka.DurableProducer;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.ProducerListener;

/**
 * The producer of {@code chat.messages}, and the topics this service writes, created from the topic catalogue.
 * Connection settings come from {@code spring.kafka.*}; the guarantees (acks=all, idempotence,
 * {@link DurableProducer}) and the deadlines are ours and not negotiable by configuration, apart from the
 * deadlines' lengths.
 */
@Configuration(proxyBeanMethods = false)
public class KafkaConfiguration {

    /**
     * The topics this service writes, created as the catalogue says when absent (the webhook dispatcher creates
     * chat.webhooks and chat.webhooks.state too, alike, so that this instance's reader finds them whichever starts
     * first).
     */
    @Bean
    KafkaAdmin.NewTopics apiTopics(TopicCatalogue catalogue) {
        return new KafkaAdmin.NewTopics(Stream.of(Topics.MESSAGES.name(), Topics.IDEMPOTENCY, Topics.ACCOUNTS.name(),
                Topics.CONTACTS.name(), Topics.PRESENCE.name(), Topics.WEBHOOKS.name(), Topics.WEBHOOK_STATES.name())
                .map(catalogue::newTopic).toArray(NewTopic[]::new));
    }

    @Bean
    DefaultKafkaProducerFactory<ConversationId, MessageAccepted> messageProducerFactory(
            KafkaProperties kafka, KafkaConnectionDetails connection, ApiProperties properties,
            ObjectProvider<DefaultKafkaProducerFactoryCustomizer> customizers) {
        ApiProperties.Publish publish = properties.publish();
        return DurableProducer.factory(
                DurableProducer.config(kafka, connection, publish.maxBlock(), publish.deliveryTimeout()),
                Topics.MESSAGES, customizers);
    }

    @Bean
    KafkaTemplate<ConversationId, MessageAccepted> messageTemplate(
            DefaultKafkaProducerFactory<ConversationId, MessageAccepted> messageProducerFactory) {
        // the shared producer, created now: a wrong producer setting stops the start, not the first message
        messageProducerFactory.createProducer();
        KafkaTemplate<ConversationId, MessageAccepted> template = new KafkaTemplate<>(messageProducerFactory);
        // a failed send is logged once, where it becomes a 503; and chat messages stay out of the log
        template.setProducerListener(new ProducerListener<>() {
        });
        return template;
    }
}
