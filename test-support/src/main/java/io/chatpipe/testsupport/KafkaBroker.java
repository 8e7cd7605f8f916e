package io.chatpipe.testsupport;

import io.chatpipe.events.Topics;
import java.util.Map;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * A real Apache Kafka broker in KRaft mode (Kafka's own test kit, in this JVM), started once per
 * test JVM on a free loopback port with chatpipe's topics, and stopped when the JVM exits.
 */
public final class KafkaBroker {

    public static final int PARTITIONS = 4;

    private static EmbeddedKafkaKraftBroker broker;

    private KafkaBroker() {
    }

    /** The bootstrap servers of the shared broker, starting it on first use. */
    public static synchronized String bootstrapServers() {
        if (broker == null) {
            var started = new EmbeddedKafkaKraftBroker(1, PARTITIONS,
                    Topics.MESSAGES.name(), Topics.DELIVERIES.name(), Topics.USERS.name(),
                    Topics.DEAD_LETTERS.name());
            // one broker: the internal topics of transactions (Kafka Streams exactly-once) fit on it
            started.brokerProperties(Map.of(
                    "transaction.state.log.replication.factor", "1",
                    "transaction.state.log.min.isr", "1",
                    "offsets.topic.replication.factor", "1"));
            started.afterPropertiesSet();
            Runtime.getRuntime().addShutdownHook(new Thread(started::destroy, "kafka-broker-stop"));
            broker = started;
        }
        return broker.getBrokersAsString();
    }
}
