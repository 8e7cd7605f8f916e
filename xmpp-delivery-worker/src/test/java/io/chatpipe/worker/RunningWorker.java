package io.chatpipe.worker;

import io.chatpipe.events.Topic;
import io.chatpipe.testsupport.Ejabberd;
import io.chatpipe.testsupport.KafkaBroker;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.Serializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The delivery worker as it runs for real, started through {@link DeliveryWorkerApplication#application()}
 * on the test JVM's Kafka broker and ejabberd, with short retry backoffs; and a producer that writes
 * to its input as the api-service would.
 */
final class RunningWorker implements AutoCloseable {

    final Ejabberd ejabberd = Ejabberd.shared();

    final ConfigurableApplicationContext context;

    private RunningWorker(ConfigurableApplicationContext context) {
        this.context = context;
    }

    static RunningWorker start() {
        Ejabberd ejabberd = Ejabberd.shared();
        return new RunningWorker(DeliveryWorkerApplication.application().run(
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + KafkaBroker.bootstrapServers(),
                "--chatpipe.worker.xmpp-domain=" + ejabberd.domain(),
                "--chatpipe.worker.ejabberd.api-url=" + ejabberd.apiUrl(),
                "--chatpipe.worker.retry.initial-interval=200ms",
                "--chatpipe.worker.retry.max-interval=1s"));
    }

    int port() {
        return Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
    }

    /** Writes one record and waits for the broker's ack; partition null lets the key choose. */
    static <K, V> RecordMetadata publish(Topic<K, V> topic, Integer partition, K key, V value) {
        return publish(topic.name(), partition, key, value, topic.keys().serializer(), topic.values().serializer());
    }

    static <K, V> RecordMetadata publish(String topic, Integer partition, K key, V value,
                                         Serializer<K> keys, Serializer<V> values) {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all");
        try (var producer = new KafkaProducer<>(config, keys, values)) {
            return producer.send(new ProducerRecord<>(topic, partition, key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish to " + topic, e);
        }
    }

    /** A name no earlier test used, so that each test has its own users and conversations. */
    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(30);

    @Override
    public void close() {
        context.close();
    }
}
