package io.chatpipe.history;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.DeliveryAttempted;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import io.chatpipe.testsupport.KafkaBroker;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/** Writes what the api-service and the delivery worker write, as they write it: acks=all, idempotent. */
public final class ChatTraffic implements AutoCloseable {

    private final DefaultKafkaProducerFactory<ConversationId, MessageAccepted> messageProducers;
    private final DefaultKafkaProducerFactory<ConversationId, DeliveryAttempted> deliveryProducers;
    private final KafkaTemplate<ConversationId, MessageAccepted> messages;
    private final KafkaTemplate<ConversationId, DeliveryAttempted> deliveries;

    public ChatTraffic() {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        messageProducers = new DefaultKafkaProducerFactory<>(config, Topics.MESSAGES.keys().serializer(),
                Topics.MESSAGES.values().serializer());
        deliveryProducers = new DefaultKafkaProducerFactory<>(config, Topics.DELIVERIES.keys().serializer(),
                Topics.DELIVERIES.values().serializer());
        messages = new KafkaTemplate<>(messageProducers);
        deliveries = new KafkaTemplate<>(deliveryProducers);
    }

    /** A message accepted now, written to chat.messages. */
    public Sent send(UserId from, UserId to, String body) {
        return send(MessageAccepted.of(MessageId.random(), from, to, body, Instant.now().truncatedTo(ChronoUnit.MICROS),
                null));
    }

    /** Writes the message as it is (again, for a retry), and says where Kafka put it. */
    public Sent send(MessageAccepted message) {
        try {
            RecordMetadata where = messages.send(Topics.MESSAGES.name(), message.conversationId(), message)
                    .get(30, TimeUnit.SECONDS).getRecordMetadata();
            return new Sent(message, where.partition(), where.offset());
        } catch (Exception e) {
            throw new IllegalStateException("could not write " + message.messageId(), e);
        }
    }

    public void report(MessageAccepted message, int attempt, DeliveryAttempted.Outcome outcome, String error) {
        try {
            deliveries.send(Topics.DELIVERIES.name(), message.conversationId(),
                    DeliveryAttempted.of(message, attempt, outcome, "test", error, Instant.now()))
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not report on " + message.messageId(), e);
        }
    }

    /** What capture writes when the recipient's archive shows the message stored, received or read. */
    public void evidence(MessageAccepted message, DeliveryAttempted.Outcome outcome) {
        try {
            deliveries.send(Topics.DELIVERIES.name(), message.conversationId(),
                    DeliveryAttempted.evidence(message.messageId(), message.conversationId(), outcome, Instant.now()))
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not report on " + message.messageId(), e);
        }
    }

    /** A reply an XMPP user wrote in a client of their own, as capture writes it to chat.messages. */
    public Sent capture(UserId from, UserId to, String body, String senderJid) {
        return send(MessageAccepted.captured(MessageId.forCapturedStanza(senderJid + "\u0000" + MessageId.random()),
                from, to, body, Instant.now().truncatedTo(ChronoUnit.MICROS), senderJid));
    }

    @Override
    public void close() {
        messageProducers.destroy();
        deliveryProducers.destroy();
    }

    /** A message and its place in chat.messages. */
    public record Sent(MessageAccepted message, int partition, long offset) {

        public String id() {
            return message.messageId().toString();
        }
    }
}
