package io.chatpipe.worker;

import static io.chatpipe.worker.RunningWorker.DELIVERY_TIMEOUT;
import static io.chatpipe.worker.RunningWorker.unique;
import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.DeliveryAttempted;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.MessageDeadLettered;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import io.chatpipe.testsupport.KafkaBroker;
import io.chatpipe.testsupport.XmppTestClient;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.jivesoftware.smack.packet.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What ejabberd refuses, and what cannot be read at all, goes to chat.messages.dlq with its reason;
 * the messages behind it, on the same partition, are still delivered.
 */
class DeadLetterTests {

    private static RunningWorker worker;

    @BeforeAll
    static void startWorker() {
        worker = RunningWorker.start();
    }

    @AfterAll
    static void stopWorker() {
        worker.close();
    }

    @Test
    void deadLettersABodyXmlCannotCarryAndDeliversTheRestOfTheConversation() {
        UserId sender = UserId.of(unique("heidi"));
        UserId recipient = UserId.of(unique("ivan"));
        MessageAccepted before = message(sender, recipient, "before the bell");
        MessageAccepted bell = message(sender, recipient, "ding\u0007");
        MessageAccepted after = message(sender, recipient, "after the bell");

        try (var ivan = XmppTestClient.register(worker.ejabberd, recipient.localpart(), "ivans-password")) {
            for (MessageAccepted message : List.of(before, bell, after)) {
                RunningWorker.publish(Topics.MESSAGES, null, message.conversationId(), message);
            }

            ivan.awaitMessage(DELIVERY_TIMEOUT, m -> after.messageId().toString().equals(m.getStanzaId()));
            assertThat(ivan.received()).extracting(Message::getBody).containsExactly("before the bell", "after the bell");
        }

        MessageDeadLettered deadLetter = TopicReader.awaitOne(Topics.DEAD_LETTERS,
                r -> r.value().message() != null && r.value().message().messageId().equals(bell.messageId())).value();
        assertThat(deadLetter.reason()).contains("U+0007");
        assertThat(outcomeOf(bell).outcome()).isEqualTo(DeliveryAttempted.Outcome.FAILED);
    }

    @Test
    void deadLettersARecordThatIsNotAMessageWithoutBlockingItsPartition() {
        UserId sender = UserId.of(unique("judy"));
        UserId recipient = UserId.of(unique("mallory"));
        MessageAccepted next = message(sender, recipient, "after the garbage");
        int partition = partitionOf(next.conversationId());

        try (var mallory = XmppTestClient.register(worker.ejabberd, recipient.localpart(), "mallorys-password")) {
            byte[] garbage = "{\"this is\": not json".getBytes(StandardCharsets.UTF_8);
            RecordMetadata poison = RunningWorker.publish(Topics.MESSAGES.name(), partition,
                    next.conversationId().value(), garbage, new StringSerializer(), new ByteArraySerializer());
            RunningWorker.publish(Topics.MESSAGES, partition, next.conversationId(), next);

            mallory.awaitMessage(DELIVERY_TIMEOUT, m -> next.messageId().toString().equals(m.getStanzaId()));

            String position = Topics.MESSAGES.name() + "-" + poison.partition() + "@" + poison.offset();
            ConsumerRecord<ConversationId, MessageDeadLettered> deadLetter = TopicReader.awaitOne(Topics.DEAD_LETTERS,
                    r -> r.value().reason().contains(position));
            assertThat(deadLetter.value().message()).isNull();
            assertThat(deadLetter.key()).isEqualTo(next.conversationId());
            assertThat(deadLetter.headers().lastHeader("chatpipe-original-value").value()).isEqualTo(garbage);
        }
    }

    private static DeliveryAttempted outcomeOf(MessageAccepted message) {
        return TopicReader.awaitOne(Topics.DELIVERIES, r -> r.value().messageId().equals(message.messageId())).value();
    }

    private static MessageAccepted message(UserId from, UserId to, String text) {
        return MessageAccepted.of(MessageId.random(), from, to, text, Instant.now(), null);
    }

    /** The partition Kafka's default partitioner gives this conversation. */
    private static int partitionOf(ConversationId conversation) {
        byte[] key = conversation.value().getBytes(StandardCharsets.UTF_8);
        return Utils.toPositive(Utils.murmur2(key)) % KafkaBroker.PARTITIONS;
    }
}
