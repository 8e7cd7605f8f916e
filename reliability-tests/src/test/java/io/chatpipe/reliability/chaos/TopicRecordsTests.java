package io.chatpipe.reliability.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import io.chatpipe.testsupport.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** The chaos check's reading of chat.messages: every record, a record nobody can read reported with its bytes. */
class TopicRecordsTests {

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void readsEveryMessageAndReportsARecordThatCannotBeRead() throws Exception {
        io.chatpipe.testsupport.TopicRecords.create(Topics.MESSAGES);
        MessageAccepted message = MessageAccepted.of(MessageId.random(), UserId.of("chaos-a-" + run),
                UserId.of("chaos-b-" + run), "hello", Instant.now(), null);
        io.chatpipe.testsupport.TopicRecords.write(Topics.MESSAGES, message.conversationId(), message);
        byte[] unreadable = "not a message".getBytes(StandardCharsets.UTF_8);
        ConversationId conversation = ConversationId.between(UserId.of("chaos-c-" + run), UserId.of("chaos-d-" + run));
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaBroker.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.MESSAGES.name(),
                    conversation.value().getBytes(StandardCharsets.UTF_8), unreadable)).get();
        }

        List<TopicRecords.Read> ours = TopicRecords.readAll(KafkaBroker.bootstrapServers(), Duration.ofSeconds(30))
                .stream().filter(read -> read.key() != null && read.key().contains(run)).toList();

        assertThat(ours).hasSize(2);
        assertThat(ours).filteredOn(read -> read.error() == null).extracting(TopicRecords.Read::message)
                .containsExactly(message);
        assertThat(ours).filteredOn(read -> read.error() != null)
                .singleElement().satisfies(read -> {
                    assertThat(read.key()).isEqualTo(conversation.value());
                    assertThat(read.raw()).isEqualTo(unreadable);
                    assertThat(read.message()).isNull();
                });
    }
}
