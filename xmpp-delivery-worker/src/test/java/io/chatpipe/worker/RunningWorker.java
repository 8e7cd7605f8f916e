package io.chatpipe.worker;

import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.Topic;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import io.chatpipe.events.XmppPassword;
import io.chatpipe.testsupport.Ejabberd;
import io.chatpipe.testsupport.KafkaBroker;
import io.chatpipe.testsupport.XmppServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.Serializer;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The delivery worker as it runs for real, started through {@link DeliveryWorkerApplication#application()}
 * on the test JVM's Kafka broker and ejabberd (or Prosody), with short retry backoffs and a known
 * password key; and a producer that writes to its input as the api-service would.
 */
final class RunningWorker implements AutoCloseable {

    final Ejabberd ejabberd = Ejabberd.shared();

    final ConfigurableApplicationContext context;

    private RunningWorker(ConfigurableApplicationContext context) {
        this.context = context;
    }

    static Ejabberd ejabberd() {
        return Ejabberd.shared();
    }

    /** The key the test workers derive passwords from, so that tests can log in as created users. */
    static final byte[] PASSWORD_KEY = "chatpipe test key, 32 bytes long".getBytes(StandardCharsets.US_ASCII);

    /** The ejabberd-api path, with extra arguments. */
    static RunningWorker start(String... more) {
        return new RunningWorker(DeliveryWorkerApplication.application().run(arguments(more)));
    }

    /** As {@link #start(String...)}, with the context prepared by {@code initializer} first. */
    static RunningWorker start(ApplicationContextInitializer<ConfigurableApplicationContext> initializer,
                               String... more) {
        SpringApplication application = DeliveryWorkerApplication.application();
        application.addInitializers(initializer);
        return new RunningWorker(application.run(arguments(more)));
    }

    /** The worker's arguments for the test JVM's broker and ejabberd, then {@code more}. */
    static String[] arguments(String... more) {
        Ejabberd ejabberd = Ejabberd.shared();
        List<String> arguments = new ArrayList<>(List.of(
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + KafkaBroker.bootstrapServers(),
                "--chatpipe.worker.xmpp-domain=" + ejabberd.domain(),
                "--chatpipe.worker.ejabberd.api-url=" + ejabberd.apiUrl(),
                "--chatpipe.worker.smack.port=" + ejabberd.clientPort(),
                "--chatpipe.worker.provisioning.password-key=" + Base64.getEncoder().encodeToString(PASSWORD_KEY),
                "--chatpipe.worker.retry.initial-interval=200ms",
                "--chatpipe.worker.retry.max-interval=1s"));
        arguments.addAll(List.of(more));
        // a later --name=value replaces an earlier one (Spring would join the two with a comma)
        Map<String, String> byName = new LinkedHashMap<>();
        arguments.forEach(argument -> byName.put(argument.substring(0, argument.indexOf('=')), argument));
        return byName.values().toArray(String[]::new);
    }

    /** The smack path, to the given server, its accounts made by in-band registration. */
    static RunningWorker startSmack(XmppServer server, String... more) {
        List<String> arguments = new ArrayList<>(List.of(
                "--chatpipe.worker.backend=smack",
                "--chatpipe.worker.xmpp-domain=" + server.domain(),
                "--chatpipe.worker.smack.host=" + server.host(),
                "--chatpipe.worker.smack.port=" + server.clientPort()));
        arguments.addAll(List.of(more));
        return start(arguments.toArray(String[]::new));
    }

    /** The password the test workers give the accounts they create. */
    static String passwordOf(UserId user) {
        return XmppPassword.derive(PASSWORD_KEY, user);
    }

    int port() {
        return Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
    }

    /** Writes one record and waits for the broker's ack; partition null lets the key choose. */
    static <K, V> RecordMetadata publish(Topic<K, V> topic, Integer partition, K key, V value) {
        return publish(topic.name(), partition, key, value, topic.keys().serializer(), topic.values().serializer());
    }

    /** Writes the messages, each keyed by its conversation, through one producer, in order. */
    static void publishAll(List<MessageAccepted> messages) {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all");
        try (var producer = new KafkaProducer<>(config, Topics.MESSAGES.keys().serializer(),
                Topics.MESSAGES.values().serializer())) {
            for (MessageAccepted message : messages) {
                producer.send(new ProducerRecord<>(Topics.MESSAGES.name(), message.conversationId(), message));
            }
            producer.flush();
        }
    }

    /** How many deliveries this worker has seen accepted. */
    double accepted() {
        return context.getBean(MeterRegistry.class).get("chatpipe.worker.deliveries")
                .tag("outcome", "accepted").counter().count();
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
