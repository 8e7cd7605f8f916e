package io.chatpipe.api.message;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.JsonSerde;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.Topic;
import io.chatpipe.events.Topics;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.ProducerListener;

/**
 * The producer of {@code chat.idempotency} (the same guarantees and deadlines as the messages' producer);
 * {@link IdempotencyLog} keeps every instance's replica of it. Records are kept for the topic catalogue's retention
 * of the topic, and each instance remembers a key as long.
 */
@Configuration(proxyBeanMethods = false)
class IdempotencyConfiguration {

    static final String TOPIC = Topics.IDEMPOTENCY;

    /** The topic with its serdes, as the log reads it. */
    static final Topic<String, IdempotencyEvent> IDEMPOTENCY =
            new Topic<>(TOPIC, Serdes.String(), new JsonSerde<>(IdempotencyEvent.class));

    @Bean
    KafkaTemplate<String, IdempotencyEvent> idempotencyTemplate(
            DefaultKafkaProducerFactory<ConversationId, MessageAccepted> messageProducerFactory) {
        Map<String, Object> config = new HashMap<>(messageProducerFactory.getConfigurationProperties());
        config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId(config.get(ProducerConfig.CLIENT_ID_CONFIG)));
        var factory = new DefaultKafkaProducerFactory<>(config, new StringSerializer(),
                new JsonSerde<>(IdempotencyEvent.class).serializer());
        factory.createProducer();
        KafkaTemplate<String, IdempotencyEvent> template = new KafkaTemplate<>(factory);
        // a failed send is reported where it is handled
        template.setProducerListener(new ProducerListener<>() {
        });
        return template;
    }

    private static String clientId(Object base) {
        return (base == null ? "api-service" : base) + "-idempotency";
    }
}
