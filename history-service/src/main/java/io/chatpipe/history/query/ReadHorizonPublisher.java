package io.chatpipe.history.query;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.ReadHorizonMoved;
import io.chatpipe.events.Topics;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/** Writes read horizons to chat.reads, keyed by conversation, durably (acks=all, idempotent). */
@Component
class ReadHorizonPublisher implements DisposableBean {

    private final DefaultKafkaProducerFactory<ConversationId, ReadHorizonMoved> producers;
    private final KafkaTemplate<ConversationId, ReadHorizonMoved> kafka;

    ReadHorizonPublisher(KafkaProperties properties, KafkaConnectionDetails connection) {
        Map<String, Object> config = new HashMap<>(properties.buildProducerProperties());
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, connection.getProducer().getBootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producers = new DefaultKafkaProducerFactory<>(config, Topics.READS.keys().serializer(),
                Topics.READS.values().serializer());
        kafka = new KafkaTemplate<>(producers);
    }

    void publish(ReadHorizonMoved moved) {
        try {
            kafka.send(Topics.READS.name(), moved.conversationId(), moved).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HistoryUnavailableException("interrupted while writing to " + Topics.READS.name(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new HistoryUnavailableException("Kafka did not take the read horizon: " + e.getMessage(), e);
        }
    }

    @Override
    public void destroy() {
        producers.destroy();
    }
}
