package io.chatpipe.bench.parts;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import io.chatpipe.testsupport.KafkaBroker;
import io.chatpipe.testsupport.TopicRecords;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The bench's reader of chat.messages sees what is written after it opens, and nothing from before. */
class KafkaTests {

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void readsTheMessagesWrittenAfterItOpensWithTheirTimes() {
        TopicRecords.create(Topics.MESSAGES);
        try (var kafka = new Kafka(KafkaBroker.bootstrapServers())) {
            kafka.produce(List.of(message("before")));
            try (Kafka.Messages messages = kafka.messagesFromNow()) {
                Instant writing = Instant.now().minusSeconds(1);
                kafka.produce(List.of(message("after")));

                List<Kafka.Messages.Written> ours = new ArrayList<>();
                Instant deadline = Instant.now().plusSeconds(30);
                while (ours.isEmpty() && Instant.now().isBefore(deadline)) {
                    messages.poll(Duration.ofMillis(200)).stream()
                            .filter(written -> written.message().fromId().value().endsWith(run)).forEach(ours::add);
                }
                assertThat(ours).extracting(written -> written.message().message()).containsExactly("after");
                assertThat(ours.getFirst().at()).isAfter(writing);
            }
        }
    }

    private MessageAccepted message(String body) {
        return MessageAccepted.of(MessageId.random(), UserId.of("bench-a-" + run), UserId.of("bench-b-" + run), body,
                Instant.now(), null);
    }
}
