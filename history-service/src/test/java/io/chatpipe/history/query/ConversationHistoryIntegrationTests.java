package io.chatpipe.history.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatpipe.events.ChatJson;
import io.chatpipe.events.ConversationId;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import io.chatpipe.history.HistoryServiceApplication;
import io.chatpipe.testsupport.KafkaBroker;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import tools.jackson.databind.JsonNode;

/** history-service on the real broker: messages produced to chat.messages come back from its REST API. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConversationHistoryIntegrationTests {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final HttpClient http = HttpClient.newHttpClient();
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private ConfigurableApplicationContext service;
    private DefaultKafkaProducerFactory<?, ?> producers;
    private KafkaTemplate<ConversationId, MessageAccepted> kafka;
    private String baseUrl;

    @BeforeAll
    void start(@TempDir Path stateDir) {
        Map<String, Object> producerConfig = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        var factory = new DefaultKafkaProducerFactory<>(producerConfig,
                Topics.MESSAGES.keys().serializer(), Topics.MESSAGES.values().serializer());
        producers = factory;
        kafka = new KafkaTemplate<>(factory);
        service = HistoryServiceApplication.application().run(
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + KafkaBroker.bootstrapServers(),
                "--chatpipe.history.streams.application-id=history-tests-" + run,
                "--chatpipe.history.streams.state-dir=" + stateDir);
        baseUrl = "http://127.0.0.1:" + service.getEnvironment().getProperty("local.server.port");
    }

    @AfterAll
    void stop() {
        if (service != null) {
            service.close();
        }
        if (producers != null) {
            producers.destroy();
        }
    }

    @Test
    void returnsAConversationOldestFirstWhicheverUserIsNamedFirst() throws Exception {
        UserId alice = user("alice");
        UserId bob = user("bob");
        List<MessageAccepted> sent = List.of(
                accepted(alice, bob, "hello bob"),
                accepted(bob, alice, "<b>&amp;"),
                accepted(alice, bob, "line one\nline two \"quoted\" ünïcødé 🙂"));
        for (MessageAccepted message : sent) {
            produce(message);
        }

        List<JsonNode> aliceFirst = awaitMessages(alice.value(), bob.value(), sent.size());
        List<JsonNode> bobFirst = messages(bob.value(), alice.value()).messages();

        for (List<JsonNode> answer : List.of(aliceFirst, bobFirst)) {
            assertThat(answer).hasSize(sent.size());
            for (int i = 0; i < sent.size(); i++) {
                MessageAccepted expected = sent.get(i);
                JsonNode actual = answer.get(i);
                assertThat(actual.properties()).extracting(Map.Entry::getKey)
                        .containsExactlyInAnyOrder("messageId", "fromId", "toId", "message", "acceptedAt");
                assertThat(actual.get("messageId").asString()).isEqualTo(expected.messageId().toString());
                assertThat(actual.get("fromId").asString()).isEqualTo(expected.fromId().value());
                assertThat(actual.get("toId").asString()).isEqualTo(expected.toId().value());
                assertThat(actual.get("message").asString()).isEqualTo(expected.message());
                assertThat(Instant.parse(actual.get("acceptedAt").asString())).isEqualTo(expected.acceptedAt());
            }
        }
        assertThat(bobFirst.get(1).get("message").asString()).isEqualTo("<b>&amp;");
    }

    @Test
    void foldsTheCaseOfUserIdsInTheQuery() throws Exception {
        UserId carol = user("carol");
        UserId dave = user("dave");
        MessageAccepted message = accepted(carol, dave, "case does not matter");
        produce(message);

        awaitMessages(carol.value(), dave.value(), 1);

        assertThat(messages(dave.value().toUpperCase(Locale.ROOT), carol.value().toUpperCase(Locale.ROOT)).messages())
                .extracting(node -> node.get("messageId").asString())
                .containsExactly(message.messageId().toString());
    }

    @Test
    void recordsAMessageProducedTwiceOnce() throws Exception {
        UserId erin = user("erin");
        UserId frank = user("frank");
        MessageAccepted retried = accepted(erin, frank, "sent twice by a retrying producer");
        MessageAccepted next = accepted(frank, erin, "the next one");
        produce(retried);
        produce(retried);
        produce(next);

        List<JsonNode> answer = awaitMessages(erin.value(), frank.value(), 2);

        assertThat(answer).extracting(node -> node.get("messageId").asString())
                .containsExactly(retried.messageId().toString(), next.messageId().toString());
    }

    @Test
    void skipsARecordItCannotReadAndKeepsRecording() throws Exception {
        UserId grace = user("grace");
        UserId heidi = user("heidi");
        MessageAccepted good = accepted(grace, heidi, "after the bad record");
        try (var rawFactory = new RawProducer()) {
            rawFactory.template().send(Topics.MESSAGES.name(), good.conversationId().value(),
                    "{not json".getBytes(StandardCharsets.UTF_8)).get();
        }
        produce(good);

        assertThat(awaitMessages(grace.value(), heidi.value(), 1))
                .extracting(node -> node.get("message").asString())
                .containsExactly("after the bad record");
    }

    @Test
    void answersAnUnknownConversationWithNoMessages() throws Exception {
        awaitReady();

        Answer answer = messages(user("nobody"), user("noone"));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.messages()).isEmpty();
    }

    @Test
    void refusesAnInvalidUserIdWithAProblemNamingThePathVariable() throws Exception {
        HttpResponse<String> blank = get("/api/v1/conversations/alice/%20/messages");
        HttpResponse<String> control = get("/api/v1/conversations/al%01ce/bob/messages");

        assertThat(blank.statusCode()).isEqualTo(400);
        assertThat(blank.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode blankProblem = ChatJson.MAPPER.readTree(blank.body());
        assertThat(blankProblem.get("status").asInt()).isEqualTo(400);
        assertThat(blankProblem.get("field").asString()).isEqualTo("userB");
        assertThat(blankProblem.get("detail").asString()).contains("userB");

        assertThat(control.statusCode()).isEqualTo(400);
        assertThat(ChatJson.MAPPER.readTree(control.body()).get("field").asString()).isEqualTo("userA");
    }

    @Test
    void exposesHealthAndPrometheusMetrics() throws Exception {
        HttpResponse<String> health = get("/actuator/health");
        HttpResponse<String> prometheus = get("/actuator/prometheus");

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(ChatJson.MAPPER.readTree(health.body()).get("status").asString()).isEqualTo("UP");
        assertThat(prometheus.statusCode()).isEqualTo(200);
        assertThat(prometheus.body()).contains("jvm_memory_used_bytes");
    }

    private UserId user(String name) {
        return UserId.of(name + "-" + run);
    }

    private static MessageAccepted accepted(UserId from, UserId to, String body) {
        return MessageAccepted.of(MessageId.random(), from, to, body, Instant.now().truncatedTo(ChronoUnit.MICROS),
                null);
    }

    private void produce(MessageAccepted message) throws Exception {
        kafka.send(Topics.MESSAGES.name(), message.conversationId(), message).get();
    }

    private List<JsonNode> awaitMessages(String userA, String userB, int count) {
        return await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200))
                .until(() -> messages(userA, userB), answer -> answer.status() == 200
                        && answer.messages().size() >= count)
                .messages();
    }

    private void awaitReady() {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200))
                .until(() -> get("/api/v1/conversations/ready/check/messages").statusCode() == 200);
    }

    private Answer messages(UserId userA, UserId userB) throws IOException, InterruptedException {
        return messages(userA.value(), userB.value());
    }

    private Answer messages(String userA, String userB) throws IOException, InterruptedException {
        HttpResponse<String> response = get("/api/v1/conversations/" + userA + "/" + userB + "/messages");
        if (response.statusCode() != 200) {
            return new Answer(response.statusCode(), List.of());
        }
        JsonNode messages = ChatJson.MAPPER.readTree(response.body()).get("messages");
        return new Answer(200, StreamSupport.stream(messages.spliterator(), false).toList());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private record Answer(int status, List<JsonNode> messages) {
    }

    /** Writes bytes no reader can parse, as a buggy or foreign producer might. */
    private static final class RawProducer implements AutoCloseable {

        private final DefaultKafkaProducerFactory<String, byte[]> factory = new DefaultKafkaProducerFactory<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer());

        KafkaTemplate<String, byte[]> template() {
            return new KafkaTemplate<>(factory);
        }

        @Override
        public void close() {
            factory.destroy();
        }
    }
}
