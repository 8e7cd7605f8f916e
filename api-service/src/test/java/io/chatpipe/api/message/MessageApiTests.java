package io.chatpipe.api.message;

import static io.chatpipe.api.message.MessageApiTestBodies.batch;
import static io.chatpipe.api.message.MessageApiTestBodies.message;
import static io.chatpipe.api.message.MessageApiTestBodies.withBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Named.named;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.chatpipe.api.ApiServiceOnKafka;
import io.chatpipe.api.Http;
import io.chatpipe.events.ChatEvent;
import io.chatpipe.events.ConversationId;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.UserId;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import tools.jackson.databind.JsonNode;

/** The REST ingestion API against a real Kafka broker, through a real HTTP client. */
class MessageApiTests extends ApiServiceOnKafka {

    @Autowired
    DefaultKafkaProducerFactory<ConversationId, MessageAccepted> messageProducerFactory;

    @Test
    void sendsEachMessageToKafkaAtOnceAndAnswersOnlyOnceEveryReplicaHasIt() {
        // a request waits for Kafka's acknowledgement: a linger would be added to every answer
        assertThat(messageProducerFactory.getConfigurationProperties())
                .containsEntry(ProducerConfig.LINGER_MS_CONFIG, "0")
                .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    }

    @Autowired
    KafkaTemplate<UserId, ChatEvent> chatEventTemplate;

    @Test
    void sendsEachChatEventToKafkaAtOnceToo() {
        // a login or a contact change waits for its event's acknowledgement, as a message's request does
        assertThat(chatEventTemplate.getProducerFactory().getConfigurationProperties())
                .containsEntry(ProducerConfig.LINGER_MS_CONFIG, "0")
                .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    }

    @Test
    void acceptsMessageOnlyOnceKafkaHasItKeyedByConversationWhicheverWayItGoes() {
        HttpResponse<String> first = http.postJson("/api/v1/message", message(alice, bob, "hi bob"));
        HttpResponse<String> reply = http.postJson("/api/v1/message", message(bob, alice, "hi alice"));

        ConversationId conversation = ConversationId.between(UserId.of(alice), UserId.of(bob));
        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(first.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(reply.statusCode()).isEqualTo(202);
        assertThat(Http.json(first).path("conversationId").asString()).isEqualTo(conversation.value());
        assertThat(Http.json(reply).path("conversationId").asString()).isEqualTo(conversation.value());

        List<ConsumerRecord<ConversationId, MessageAccepted>> records = records();
        assertThat(records).extracting(ConsumerRecord::key).containsExactly(conversation, conversation);
        assertThat(records).extracting(record -> record.value().message()).containsExactly("hi bob", "hi alice");
        MessageAccepted stored = records.getFirst().value();
        assertThat(stored.messageId()).isEqualTo(MessageId.of(Http.json(first).path("messageId").asString()));
        assertThat(stored.fromId()).isEqualTo(UserId.of(alice));
        assertThat(stored.toId()).isEqualTo(UserId.of(bob));
        assertThat(stored.conversationId()).isEqualTo(conversation);
        assertThat(stored.acceptedAt()).isNotNull();
        assertThat(stored.clientMessageId()).isNull();
    }

    @Test
    void userIdsThatDifferOnlyInCaseAreOneUserAndOneConversation() {
        HttpResponse<String> shouted = http.postJson("/api/v1/message", message(alice.toUpperCase(), bob, "hi"));
        HttpResponse<String> plain = http.postJson("/api/v1/message", message(bob, alice, "hi"));

        assertThat(shouted.statusCode()).isEqualTo(202);
        assertThat(Http.json(shouted).path("conversationId").asString())
                .isEqualTo(Http.json(plain).path("conversationId").asString());
        assertThat(records()).extracting(record -> record.value().fromId())
                .containsExactly(UserId.of(alice), UserId.of(bob));
    }

    @Test
    void retryWithSameClientMessageIdGetsSameMessageIdAndStoresNothingNew() {
        String request = message(alice, bob, "once", "client-42");

        JsonNode first = Http.json(http.postJson("/api/v1/messages", request));
        JsonNode retry = Http.json(http.postJson("/api/v1/messages", request));
        JsonNode other = Http.json(http.postJson("/api/v1/messages", message(alice, bob, "again", "client-43")));

        assertThat(retry.path("messageId").asString()).isEqualTo(first.path("messageId").asString());
        assertThat(other.path("messageId").asString()).isNotEqualTo(first.path("messageId").asString());
        assertThat(records()).extracting(record -> record.value().clientMessageId())
                .containsExactly("client-42", "client-43");
        assertThat(records()).extracting(record -> record.value().messageId().toString())
                .containsExactly(first.path("messageId").asString(), other.path("messageId").asString());
    }

    @Test
    void messageWithoutClientMessageIdGetsAFreshIdEachTime() {
        String request = message(alice, bob, "twice");

        String first = Http.json(http.postJson("/api/v1/messages", request)).path("messageId").asString();
        String second = Http.json(http.postJson("/api/v1/messages", request)).path("messageId").asString();

        assertThat(first).isNotEqualTo(second);
    }

    @Test
    void storesMarkupExactlyAsSent() {
        String markup = "<b>&amp;";

        HttpResponse<String> response = http.postJson("/api/v1/message", message(alice, bob, markup));

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(records()).singleElement().satisfies(record -> {
            assertThat(record.value().message()).isEqualTo(markup);
            assertThat(record.value().message().getBytes(StandardCharsets.UTF_8))
                    .isEqualTo(new byte[] {'<', 'b', '>', '&', 'a', 'm', 'p', ';'});
        });
    }

    @Test
    void acceptsMessageOfExactly64KiBInUtf8() {
        String message = "é".repeat(MessageAccepted.MAX_MESSAGE_BYTES / 2); // two bytes each in UTF-8

        HttpResponse<String> response = http.postJson("/api/v1/message", message(alice, bob, message));

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(records()).singleElement()
                .satisfies(record -> assertThat(record.value().message()).isEqualTo(message));
    }

    @Test
    void refusesMessageOneByteOver64KiBWith413() {
        String message = "é".repeat(MessageAccepted.MAX_MESSAGE_BYTES / 2) + "!";

        HttpResponse<String> response = http.postJson("/api/v1/message", message(alice, bob, message));

        assertProblem(response, 413, "message");
        assertThat(records()).isEmpty();
    }

    @Test
    void refusesHugeBodyWith413() {
        String huge = message(alice, bob, "x".repeat(3 * 512 * 1024));

        HttpResponse<String> response = http.postJson("/api/v1/message", huge);

        assertProblem(response, 413, "body");
        assertThat(records()).isEmpty();
    }

    @Test
    void refusesHugeStreamedBodyWithoutContentLengthWith413() {
        byte[] huge = message(alice, bob, "x".repeat(3 * 512 * 1024)).getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response = http.postJsonChunked("/api/v1/message", new ByteArrayInputStream(huge));

        assertProblem(response, 413, "body");
        assertThat(records()).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("notUtf8")
    void refusesABodyThatIsNotUtf8EvenWhereAReaderCouldGuessWhatItMeant(byte[] sequence) {
        List<HttpResponse<String>> responses = List.of(
                http.postJson("/api/v1/messages", withBytes(message(alice + "@@", bob, "in an id"), sequence)),
                http.postJson("/api/v1/message", withBytes(message(alice, bob, "in the text @@"), sequence)),
                http.postJson(BatchApiTests.BATCH, withBytes(batch(message(alice, bob, "a good item"),
                        message(alice, bob, "a bad item @@")), sequence)));

        responses.forEach(response -> assertProblem(response, 400, "body"));
        assertThat(Http.json(responses.getFirst()).path("errors").path(0).path("detail").asString())
                .contains("not valid UTF-8");
        assertThat(records()).isEmpty();
    }

    static Stream<Arguments> notUtf8() {
        return Stream.of(
                arguments(named("overlong '/' (C0 AF)", new byte[] {(byte) 0xC0, (byte) 0xAF})),
                arguments(named("overlong DEL (C1 BF)", new byte[] {(byte) 0xC1, (byte) 0xBF})),
                arguments(named("overlong NUL in three bytes (E0 80 80)", new byte[] {(byte) 0xE0, (byte) 0x80, (byte) 0x80})),
                arguments(named("an encoded surrogate (ED A0 80)", new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})),
                arguments(named("beyond U+10FFFF (F4 90 80 80)",
                        new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80})),
                arguments(named("a lone continuation byte (80)", new byte[] {(byte) 0x80})),
                arguments(named("latin-1 (E9)", new byte[] {(byte) 0xE9})));
    }

    @Test
    void hasNoEndpointThatAnswersWithoutWriting() {
        // the benchmark's no-op baseline is an application of the load generator's, not a path of the service
        HttpResponse<String> response = http.postJson("/api/v1/messages/no-op", message(alice, bob, "hi"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(404);
        assertThat(records()).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("badInputs")
    void refusesBadInputWith400NamingTheFieldAndWritesNothing(String path, String template, String field) {
        String request = template.replace("FROM", alice).replace("TO", bob);

        HttpResponse<String> response = http.postJson(path, request);

        assertProblem(response, 400, field);
        assertThat(records()).isEmpty();
    }

    static Stream<Arguments> badInputs() {
        String message = "/api/v1/message";
        String messages = "/api/v1/messages";
        return Stream.of(
                arguments(named("unparseable JSON", message), "{\"fromId\": \"FROM\", \"toId\": \"TO\", \"message\": ",
                        "body"),
                arguments(named("no body", message), "", "body"),
                arguments(named("an array for the body", message), "[\"FROM\", \"TO\", \"hi\"]", "body"),
                arguments(named("a key given twice", message),
                        "{\"fromId\": \"FROM\", \"toId\": \"TO\", \"toId\": \"x\", \"message\": \"hi\"}", "body"),
                arguments(named("missing message", message), "{\"fromId\": \"FROM\", \"toId\": \"TO\"}", "message"),
                arguments(named("missing fromId", message), "{\"toId\": \"TO\", \"message\": \"hi\"}", "fromId"),
                arguments(named("blank fromId", message),
                        "{\"fromId\": \"   \", \"toId\": \"TO\", \"message\": \"hi\"}", "fromId"),
                arguments(named("null toId", message),
                        "{\"fromId\": \"FROM\", \"toId\": null, \"message\": \"hi\"}", "toId"),
                arguments(named("blank message", message),
                        "{\"fromId\": \"FROM\", \"toId\": \"TO\", \"message\": \" \\t \"}", "message"),
                arguments(named("control character in toId", message),
                        "{\"fromId\": \"FROM\", \"toId\": \"TO\\u0007\", \"message\": \"hi\"}", "toId"),
                arguments(named("id too long for a user", message),
                        "{\"fromId\": \"FROM" + "x".repeat(UserId.MAX_LENGTH) + "\", \"toId\": \"TO\", \"message\": \"hi\"}",
                        "fromId"),
                arguments(named("number for message", message),
                        "{\"fromId\": \"FROM\", \"toId\": \"TO\", \"message\": 42}", "message"),
                arguments(named("boolean for toId", message),
                        "{\"fromId\": \"FROM\", \"toId\": true, \"message\": \"hi\"}", "toId"),
                arguments(named("object for fromId", message),
                        "{\"fromId\": {\"id\": \"FROM\"}, \"toId\": \"TO\", \"message\": \"hi\"}", "fromId"),
                arguments(named("NUL in message", message),
                        "{\"fromId\": \"FROM\", \"toId\": \"TO\", \"message\": \"a\\u0000b\"}", "message"),
                arguments(named("unpaired surrogate in message", message),
                        "{\"fromId\": \"FROM\", \"toId\": \"TO\", \"message\": \"a\\ud800b\"}", "message"),
                arguments(named("blank clientMessageId", messages),
                        "{\"fromId\": \"FROM\", \"toId\": \"TO\", \"message\": \"hi\", \"clientMessageId\": \"\"}",
                        "clientMessageId"),
                arguments(named("clientMessageId too long", messages),
                        "{\"fromId\": \"FROM\", \"toId\": \"TO\", \"message\": \"hi\", \"clientMessageId\": \""
                                + "c".repeat(MessageRequest.MAX_CLIENT_MESSAGE_ID + 1) + "\"}",
                        "clientMessageId"),
                arguments(named("control character in clientMessageId", messages),
                        "{\"fromId\": \"FROM\", \"toId\": \"TO\", \"message\": \"hi\", \"clientMessageId\": \"a\\nb\"}",
                        "clientMessageId"),
                arguments(named("number for clientMessageId", messages),
                        "{\"fromId\": \"FROM\", \"toId\": \"TO\", \"message\": \"hi\", \"clientMessageId\": 7}",
                        "clientMessageId"));
    }

    @Test
    void namesEveryBadFieldAtOnce() {
        HttpResponse<String> response = http.postJson("/api/v1/messages",
                "{\"fromId\": \"\", \"toId\": \"TO\\u0000\", \"message\": \"\"}".replace("TO", bob));

        assertProblem(response, 400, "fromId");
        assertThat(Http.json(response).path("errors").valueStream().map(error -> error.path("field").asString()))
                .containsExactly("fromId", "message", "toId");
    }

    @Test
    void refusesBodyThatIsNotJsonWith415() {
        HttpResponse<String> response = http.post("/api/v1/message", "text/plain", message(alice, bob, "hi"));

        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(records()).isEmpty();
    }

    private static void assertProblem(HttpResponse<String> response, int status, String field) {
        assertProblem(response, status);
        JsonNode problem = Http.json(response);
        assertThat(problem.path("title").asString()).isNotBlank();
        assertThat(problem.path("errors").valueStream().map(error -> error.path("field").asString()))
                .as(response.body())
                .contains(field);
        assertThat(problem.path("errors").valueStream().map(error -> error.path("detail").asString()))
                .allSatisfy(detail -> assertThat(detail).isNotBlank());
    }
}
