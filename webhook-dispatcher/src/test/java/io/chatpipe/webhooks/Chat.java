package io.chatpipe.webhooks;

import io.chatpipe.events.ChatEvent;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.Topic;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import io.chatpipe.events.WebhookDelivery;
import io.chatpipe.events.WebhookEndpoint;
import io.chatpipe.events.WebhookEndpointState;
import io.chatpipe.events.WebhookEventType;
import io.chatpipe.testsupport.KafkaBroker;
import io.chatpipe.testsupport.TopicRecords;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/** The chat's side of the tests: what the api-service and the capture service would write to Kafka, and readers. */
final class Chat {

    static final String SECRET = "whsec-test-0123456789abcdefghijklmnopqrstuvwxyz";

    private Chat() {
    }

    /** A name no earlier test used. */
    static String unique(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Registers an endpoint as the api-service does: a record of chat.webhooks. */
    static WebhookEndpoint subscribe(URI url, Set<WebhookEventType> events, Set<UserId> users) {
        WebhookEndpoint endpoint = new WebhookEndpoint(ChatEvent.SCHEMA_VERSION, unique("ep"), "test", url, SECRET,
                events, users, false, Instant.now(), null);
        write(Topics.WEBHOOKS, endpoint.id(), endpoint);
        return endpoint;
    }

    /** A reply an XMPP user wrote, as capture writes it. */
    static MessageAccepted captured(UserId from, UserId to, String body) {
        return MessageAccepted.captured(MessageId.random(), from, to, body, Instant.now(), from.jid("localhost") + "/phone");
    }

    @SafeVarargs
    static <K, V> void write(Topic<K, V> topic, K key, V... values) {
        List<V> all = List.of(values);
        writeAll(topic, all.stream().map(value -> Map.entry(key, value)).toList());
    }

    /** Writes the records in order through one producer and waits for the broker's acks. */
    static <K, V> void writeAll(Topic<K, V> topic, List<Map.Entry<K, V>> records) {
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all");
        try (var producer = new KafkaProducer<>(config, topic.keys().serializer(), topic.values().serializer())) {
            for (Map.Entry<K, V> record : records) {
                producer.send(new ProducerRecord<>(topic.name(), record.getKey(), record.getValue()));
            }
            producer.flush();
        }
    }

    static void writeMessages(List<MessageAccepted> messages) {
        writeAll(Topics.MESSAGES, messages.stream().map(message -> Map.entry(message.conversationId(), message)).toList());
    }

    /** The endpoint's dead letters in chat.webhooks.dlq, as far as the topic goes now. */
    static List<WebhookDelivery> deadLetters(String endpointId) {
        return TopicRecords.valuesUnder(Topics.WEBHOOK_DEAD_LETTERS, endpointId);
    }

    /** The endpoint's latest state in chat.webhooks.state, or null. */
    static WebhookEndpointState latestState(String endpointId) {
        List<WebhookEndpointState> states = TopicRecords.valuesUnder(Topics.WEBHOOK_STATES, endpointId);
        return states.isEmpty() ? null : states.getLast();
    }
}
