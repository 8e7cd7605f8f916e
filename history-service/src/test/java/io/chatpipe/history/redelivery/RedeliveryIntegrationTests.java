package io.chatpipe.history.redelivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatpipe.events.ConversationId;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.MessageDeadLettered;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserErased;
import io.chatpipe.events.UserId;
import io.chatpipe.history.ChatTraffic;
import io.chatpipe.history.ChatTraffic.Sent;
import io.chatpipe.history.HistoryInstance;
import io.chatpipe.history.HistoryServiceApplication;
import io.chatpipe.testsupport.KafkaBroker;
import io.chatpipe.testsupport.TopicRecords;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * ./chatpipe redeliver on the real broker: the messages of a time range, or of the dead-letter topic, are written
 * to chat.messages again with their key and message id, as the delivery worker reads them, and history still
 * shows each message once.
 */
class RedeliveryIntegrationTests {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final UserId alice = UserId.of("redeliver-alice-" + run);
    private final UserId bob = UserId.of("redeliver-bob-" + run);
    private final UserId erased = UserId.of("redeliver-erased-" + run);
    // the range is found by record timestamps, which are when each message was written: now
    private final Instant base = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    @Test
    void writesTheMessagesOfARangeAgainWithTheirKeysAndIdsAndHistoryShowsThemOnce(@TempDir Path stateDir) {
        List<Sent> inRange = new ArrayList<>();
        try (ChatTraffic traffic = new ChatTraffic()) {
            traffic.send(accepted(alice, bob, "before", base.minusSeconds(30)));
            inRange.add(traffic.send(accepted(alice, bob, "first", base)));
            inRange.add(traffic.send(accepted(bob, alice, "second", base.plusSeconds(1))));
            traffic.send(accepted(erased, bob, "of an erased user", base.plusSeconds(1)));
            traffic.send(accepted(alice, bob, "after", base.plusSeconds(10)));
            erase(erased, base.plusSeconds(2));
        }

        command("--chatpipe.history.redeliver.from=" + base, "--chatpipe.history.redeliver.to=" + base.plusSeconds(5));

        List<ConsumerRecord<ConversationId, MessageAccepted>> copies = copies(2);
        assertThat(copies).extracting(record -> record.value().messageId().toString())
                .containsExactlyInAnyOrderElementsOf(inRange.stream().map(Sent::id).toList());
        for (ConsumerRecord<ConversationId, MessageAccepted> copy : copies) {
            Sent original = inRange.stream().filter(s -> s.message().messageId().equals(copy.value().messageId()))
                    .findFirst().orElseThrow();
            assertThat(copy.key()).isEqualTo(original.message().conversationId());
            assertThat(copy.partition()).isEqualTo(original.partition());
            assertThat(copy.value()).isEqualTo(original.message());
            assertThat(new String(copy.headers().lastHeader(Redelivery.REDELIVERED_FROM).value(),
                    StandardCharsets.UTF_8)).isEqualTo("chat.messages-" + original.partition() + "@"
                    + original.offset());
        }

        try (HistoryInstance history = HistoryInstance.start("history-redeliver-" + run, stateDir)) {
            String path = "/api/v1/conversations/" + alice.value() + "/" + bob.value() + "/messages";
            var page = await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100))
                    .until(() -> history.get(path), answer -> answer.bodies().contains("after"));
            assertThat(page.bodies()).containsExactly("before", "first", "second", "after");
        }
    }

    @Test
    void writesTheDeadLettersAgain() {
        MessageAccepted dead = accepted(alice, bob, "could not be delivered", Instant.now().minusSeconds(5));
        MessageAccepted deadOfErased = accepted(erased, bob, "erased, not again", Instant.now().minusSeconds(5));
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers()),
                Topics.DEAD_LETTERS.keys().serializer(), Topics.DEAD_LETTERS.values().serializer())) {
            for (MessageAccepted message : List.of(dead, deadOfErased)) {
                producer.send(new ProducerRecord<>(Topics.DEAD_LETTERS.name(), message.conversationId(),
                        MessageDeadLettered.of(message, "refused", Instant.now()))).get(30, TimeUnit.SECONDS);
            }
            erase(erased, Instant.now());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }

        command("--chatpipe.history.redeliver.dead-letters=true",
                "--chatpipe.history.redeliver.from=" + dead.acceptedAt(),
                "--chatpipe.history.redeliver.to=" + dead.acceptedAt().plusMillis(1));

        List<ConsumerRecord<ConversationId, MessageAccepted>> copies = copies(1);
        assertThat(copies).extracting(ConsumerRecord::value).containsExactly(dead);
        assertThat(copies.getFirst().timestamp()).isEqualTo(dead.acceptedAt().toEpochMilli());
    }

    /** Runs the command as ./chatpipe redeliver does: no web server, no Kafka Streams; it ends when done. */
    private static void command(String... redeliver) {
        List<String> args = new ArrayList<>(List.of(
                "--spring.main.web-application-type=none",
                "--spring.kafka.streams.auto-startup=false",
                "--spring.kafka.bootstrap-servers=" + KafkaBroker.bootstrapServers()));
        args.addAll(List.of(redeliver));
        try (ConfigurableApplicationContext context = HistoryServiceApplication.application()
                .run(args.toArray(String[]::new))) {
            assertThat(context.isActive()).isTrue();
        }
    }

    private void erase(UserId user, Instant upTo) {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers()),
                Topics.ERASURES.keys().serializer(), Topics.ERASURES.values().serializer())) {
            for (var partition : producer.partitionsFor(Topics.ERASURES.name())) {
                producer.send(new ProducerRecord<>(Topics.ERASURES.name(), partition.partition(), user,
                        UserErased.of(user, upTo, "test"))).get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The copies of our run's messages the redelivery wrote to chat.messages, once {@code count} are there. */
    private List<ConsumerRecord<ConversationId, MessageAccepted>> copies(int count) {
        Predicate<ConsumerRecord<ConversationId, MessageAccepted>> copy = record -> record.value() != null
                && record.value().conversationId().value().contains(run)
                && record.headers().lastHeader(Redelivery.REDELIVERED_FROM) != null;
        TopicRecords.await(Topics.MESSAGES, copy, found -> found.size() >= count, PATIENCE);
        // nothing more than expected trickles in
        pause(Duration.ofSeconds(1));
        return TopicRecords.readAll(Topics.MESSAGES, copy);
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static MessageAccepted accepted(UserId from, UserId to, String body, Instant at) {
        return MessageAccepted.of(MessageId.random(), from, to, body, at, null);
    }
}
