package io.chatpipe.api.message;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.JsonSerde;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.Topics;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.ProducerListener;

/**
 * The producer of {@code chat.idempotency} (the same guarantees and deadlines as the messages' producer) and
 * the reader every instance keeps of it. Records are kept for the topic catalogue's retention of the topic, and
 * each instance remembers a key as long.
 */
@Configuration(proxyBeanMethods = false)
class IdempotencyConfiguration {

    static final String TOPIC = Topics.IDEMPOTENCY;

    private static final Logger log = LoggerFactory.getLogger(IdempotencyConfiguration.class);

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

    @Bean
    Supplier<Consumer<String, IdempotencyEvent>> idempotencyReaders(KafkaProperties kafka,
            KafkaConnectionDetails connection) {
        Map<String, Object> config = new HashMap<>(kafka.buildConsumerProperties());
        KafkaConnectionDetails.Configuration consumer = connection.getConsumer();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, consumer.getBootstrapServers());
        if (consumer.getSecurityProtocol() != null) {
            config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, consumer.getSecurityProtocol());
        }
        // every instance reads the whole topic itself: no group, nothing committed
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId(config.get(ConsumerConfig.CLIENT_ID_CONFIG)));
        return () -> new KafkaConsumer<>(config, new StringDeserializer(), lenient());
    }

    private static String clientId(Object base) {
        return (base == null ? "api-service" : base) + "-idempotency";
    }

    /** A record this version cannot read is skipped (and said once), rather than stopping the reader for good. */
    private static Deserializer<IdempotencyEvent> lenient() {
        Deserializer<IdempotencyEvent> json = new JsonSerde<>(IdempotencyEvent.class).deserializer();
        return (topic, bytes) -> {
            try {
                return json.deserialize(topic, bytes);
            } catch (SerializationException e) {
                log.warn("Skipped a record of {} that cannot be read: {}", topic, e.getMessage());
                return null;
            }
        };
    }
}
