package io.chatpipe.history.config;

import io.chatpipe.events.Topic;
import io.chatpipe.kafka.DurableProducer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Kafka templates for what history writes (read horizons, erasures, redeliveries), each with its topic's serdes
 * and durable: acks=all, idempotent. The requests that write them wait for Kafka's acknowledgement, so records
 * are sent at once (no linger unless configured). Their producers close with the application.
 */
@Component
public class DurableProducers implements DisposableBean {

    private final Map<String, Object> config;
    private final List<DefaultKafkaProducerFactory<?, ?>> factories = new CopyOnWriteArrayList<>();

    DurableProducers(KafkaProperties properties, KafkaConnectionDetails connection) {
        this.config = Map.copyOf(DurableProducer.config(properties, connection));
    }

    public <K, V> KafkaTemplate<K, V> template(Topic<K, V> topic) {
        var factory = new DefaultKafkaProducerFactory<>(config, topic.keys().serializer(), topic.values().serializer());
        factories.add(factory);
        KafkaTemplate<K, V> template = new KafkaTemplate<>(factory);
        template.setDefaultTopic(topic.name());
        return template;
    }

    @Override
    public void destroy() {
        factories.forEach(DefaultKafkaProducerFactory::destroy);
    }
}
