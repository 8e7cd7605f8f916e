package io.chatpipe.api.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.api.ChatMessagesTopic;
import io.chatpipe.api.Http;
import io.chatpipe.events.AccountRegistered;
import io.chatpipe.events.ChatJson;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import io.chatpipe.testsupport.KafkaBroker;
import io.chatpipe.testsupport.TopicRecords;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Seed 003's protocol over a real WebSocket client, against one instance with seed 003's endpoint on and a page of
 * another site allowed.
 */
class ChatSocketTests {

    static final String OTHER_SITE = "http://localhost:3000";

    static ChatService service;

    @BeforeAll
    static void start() {
        service = ChatService.start("--chatpipe.api.websocket.legacy-password-path=true",
                "--chatpipe.api.websocket.allowed-origins=" + OTHER_SITE);
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @Test
    void createsTheAccountOnFirstLoginAndAnswersAWrongPasswordWithForbidden() {
        String sergio = ChatService.user("Sergio");

        try (ChatClient first = ChatClient.open(service.legacy(sergio, "pass"))) {
            JsonNode joined = first.next();
            assertThat(joined.path("messageType").asString()).isEqualTo("JOIN_SUCCESS");
            assertThat(joined.path("to").asString()).isEqualTo(sergio.toLowerCase());
            assertThat(joined.has("from")).as("seed 003 leaves out empty fields").isFalse();
        }

        try (ChatClient wrong = ChatClient.open(service.legacy(sergio, "not the password"))) {
            assertThat(wrong.next().path("messageType").asString()).isEqualTo("FORBIDDEN");
            assertThat(wrong.awaitClose()).isEqualTo(1008);
        }
        try (ChatClient again = ChatClient.open(service.legacy(sergio.toUpperCase(), "pass"))) {
            assertThat(again.next().path("messageType").asString()).isEqualTo("JOIN_SUCCESS");
        }

        List<AccountRegistered> registrations = AccountsTopic.registrationsOf(UserId.of(sergio));
        assertThat(registrations).hasSize(1);
        assertThat(registrations.getFirst().passwordHash()).startsWith("{bcrypt}$2").doesNotContain("pass");
    }

    @Test
    void exchangesSeed003MessagesStoredLikeRestOnes() {
        String alice = ChatService.user("alice");
        String bob = ChatService.user("bob");
        try (ChatClient aliceSocket = ChatClient.open(service.legacy(alice, "a"));
             ChatClient bobSocket = ChatClient.open(service.legacy(bob, "b"))) {
            aliceSocket.next("JOIN_SUCCESS");
            bobSocket.next("JOIN_SUCCESS");

            aliceSocket.send(Map.of("from", alice, "to", bob, "content", "hello <b>world</b>",
                    "messageType", "NEW_MESSAGE", "clientMessageId", "c-1"));

            JsonNode received = bobSocket.next("NEW_MESSAGE");
            assertThat(received.path("from").asString()).isEqualTo(alice);
            assertThat(received.path("to").asString()).isEqualTo(bob);
            assertThat(received.path("content").asString()).isEqualTo("hello <b>world</b>");
            assertThat(received.has("clientMessageId")).as("the sender's own id is the sender's").isFalse();
            JsonNode sent = aliceSocket.next("DELIVERY_STATUS");
            assertThat(sent.path("status").asString()).isEqualTo("SENT");
            assertThat(sent.path("messageId").asString()).isEqualTo(received.path("messageId").asString());
            assertThat(sent.path("clientMessageId").asString()).isEqualTo("c-1");
            assertThat(sent.path("to").asString()).isEqualTo(bob);

            var stored = ChatMessagesTopic.recordsInvolving(KafkaBroker.bootstrapServers(), UserId.of(alice));
            assertThat(stored).hasSize(1);
            assertThat(stored.getFirst().value().messageId())
                    .isEqualTo(MessageId.of(received.path("messageId").asString()))
                    .as("the same id as REST gives a client message id")
                    .isEqualTo(MessageId.forClientMessage(UserId.of(alice), "c-1"));
        }
    }

    @Test
    void answersBadFramesWithErrorAndKeepsTheConnectionOpen() {
        String carol = ChatService.user("carol");
        try (ChatClient socket = ChatClient.open(service.legacy(carol, "c"))) {
            socket.next("JOIN_SUCCESS");

            socket.sendText("{not json");
            assertThat(socket.next("ERROR").path("content").asString()).contains("not a JSON frame");
            socket.send(Map.of("to", " ", "content", "", "messageType", "NEW_MESSAGE", "clientMessageId", "c-2"));
            JsonNode invalid = socket.next("ERROR");
            assertThat(invalid.path("content").asString()).contains("to must not be blank", "content must not be blank");
            assertThat(invalid.path("clientMessageId").asString()).isEqualTo("c-2");
            socket.send(Map.of("from", "mallory", "to", "dave", "content", "hi", "messageType", "NEW_MESSAGE"));
            assertThat(socket.next("ERROR").path("content").asString()).contains("from must be you");

            socket.send(Map.of("to", "dave", "content", "still here", "messageType", "NEW_MESSAGE"));
            assertThat(socket.next("DELIVERY_STATUS").path("status").asString()).isEqualTo("SENT");
            assertThat(socket.isClosed()).isFalse();
        }
    }

    @Test
    void addsAndRemovesContactsThroughKafkaAndListsThem() {
        String owner = ChatService.user("owner");
        String bob = ChatService.user("bob");
        String carol = ChatService.user("carol");
        try (ChatClient socket = ChatClient.open(service.legacy(owner, "o"));
             ChatClient otherTab = ChatClient.open(service.legacy(owner, "o"))) {
            socket.next("JOIN_SUCCESS");
            otherTab.next("JOIN_SUCCESS");

            socket.send(Map.of("to", bob, "messageType", "ADD_CONTACT"));
            socket.send(Map.of("to", carol, "messageType", "ADD_CONTACT"));
            socket.send(Map.of("messageType", "GET_CONTACTS"));
            assertThat(contacts(socket.next("GET_CONTACTS"))).containsExactly(bob, carol);
            assertThat(otherTab.next("ADD_CONTACT").path("to").asString()).isEqualTo(bob);

            socket.send(Map.of("to", bob, "messageType", "UNSUBSCRIBE"));
            socket.send(Map.of("messageType", "GET_CONTACTS"));
            assertThat(contacts(socket.next("GET_CONTACTS"))).containsExactly(carol);
        }
        assertThat(ContactsTopic.changesOf(UserId.of(owner)))
                .containsExactly("ADDED " + bob, "ADDED " + carol, "REMOVED " + bob);
    }

    @Test
    void logsInOverRestAndOpensTheSocketWithASingleUseToken() {
        String dana = ChatService.user("dana");
        HttpResponse<String> login = service.http().postJson("/api/v1/sessions",
                "{\"username\": \"" + dana + "\", \"password\": \"s3cret\"}");
        assertThat(login.statusCode()).isEqualTo(201);
        JsonNode session = Http.json(login);
        assertThat(session.path("created").asBoolean()).isTrue();
        assertThat(session.path("webSocket").asString()).startsWith("/ws/chat?token=").doesNotContain("s3cret");

        try (ChatClient socket = ChatClient.open(service.uri(session.path("webSocket").asString()))) {
            assertThat(socket.next().path("to").asString()).isEqualTo(dana);
        }
        try (ChatClient replay = ChatClient.open(service.uri(session.path("webSocket").asString()))) {
            assertThat(replay.next().path("messageType").asString()).isEqualTo("FORBIDDEN");
            assertThat(replay.awaitClose()).isEqualTo(1008);
        }

        HttpResponse<String> wrong = service.http().postJson("/api/v1/sessions",
                "{\"username\": \"" + dana + "\", \"password\": \"guess\"}");
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(wrong.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        HttpResponse<String> again = service.http().postJson("/api/v1/sessions",
                "{\"username\": \"" + dana.toUpperCase() + "\", \"password\": \"s3cret\"}");
        assertThat(Http.json(again).path("created").asBoolean()).isFalse();
    }

    @Test
    void refusesBadLoginRequestsWithProblems() {
        HttpResponse<String> badName = service.http().postJson("/api/v1/sessions",
                "{\"username\": \"a\\u0000b\", \"password\": \"x\"}");
        HttpResponse<String> noPassword = service.http().postJson("/api/v1/sessions",
                "{\"username\": \"someone\", \"password\": \"\"}");
        HttpResponse<String> longPassword = service.http().postJson("/api/v1/sessions",
                "{\"username\": \"someone\", \"password\": \"" + "x".repeat(73) + "\"}");

        assertThat(badName.statusCode()).isEqualTo(400);
        assertThat(Http.json(badName).path("errors").get(0).path("field").asString()).isEqualTo("username");
        assertThat(noPassword.statusCode()).isEqualTo(400);
        assertThat(longPassword.statusCode()).isEqualTo(400);
        assertThat(Http.json(longPassword).path("errors").get(0).path("detail").asString()).contains("72 bytes");
    }

    @Test
    void refusesASocketOpenedByAPageOfAnotherSite() {
        String erin = ChatService.user("erin");
        assertThat(ChatClient.refusal(service.legacy(erin, "e"), "http://evil.example")).isEqualTo(403);
        assertThat(ChatClient.refusal(service.uri("/ws/chat?token=x"), "https://127.0.0.1.evil.example"))
                .isEqualTo(403);
        assertThat(ChatClient.refusal(service.legacy(erin, "e"), "http://localhost:3001")).isEqualTo(403);
        assertThat(ChatClient.refusal(service.legacy(erin, "e"), "https://localhost:3000")).isEqualTo(403);
        assertThat(ChatClient.refusal(service.legacy(erin, "e"), "http://localhost.evil.example:3000"))
                .isEqualTo(403);
    }

    @Test
    void anAllowedOriginAddsToTheServicesOwnPagesUnderEitherLoopbackName() {
        String erin = ChatService.user("erin");
        for (String origin : List.of(service.origin(), "http://localhost:" + service.port(), OTHER_SITE,
                "http://127.0.0.1:3000")) {
            try (ChatClient page = ChatClient.open(service.legacy(erin, "e"), origin)) {
                assertThat(page.next().path("messageType").asString()).as("from %s", origin).isEqualTo("JOIN_SUCCESS");
            }
        }
    }

    @Test
    void answersHistoryRequestsWithANoticeWhenHistoryIsUnavailable() {
        String frank = ChatService.user("frank");
        try (ChatClient socket = ChatClient.open(service.legacy(frank, "f"))) {
            socket.next("JOIN_SUCCESS");
            socket.send(Map.of("to", "grace", "messageType", "GET_HISTORY"));

            JsonNode history = socket.next("HISTORY");
            assertThat(history.path("to").asString()).isEqualTo("grace");
            assertThat(history.path("status").asString()).isEqualTo("UNAVAILABLE");
            assertThat(history.path("content").asString()).contains("history-service");
        }
    }

    @Test
    void readsFramesAsStrictlyAsRestBodiesAndStoresNothingFromAMistypedOne() {
        String ivy = ChatService.user("ivy");
        String jack = ChatService.user("jack");
        try (ChatClient socket = service.join(ivy, "i")) {
            socket.sendText("{\"messageType\":\"NEW_MESSAGE\",\"to\":123,\"content\":\"a number for a user\"}");
            assertThat(socket.next("ERROR").path("content").asString()).isEqualTo("to must be a JSON string");
            socket.sendText("{\"messageType\":\"NEW_MESSAGE\",\"to\":\"" + jack + "\",\"content\":true}");
            assertThat(socket.next("ERROR").path("content").asString()).isEqualTo("content must be a JSON string");
            socket.sendText("{\"messageType\":\"NEW_MESSAGE\",\"to\":\"someone\",\"to\":\"" + jack
                    + "\",\"content\":\"to whom?\"}");
            assertThat(socket.next("ERROR").path("content").asString()).contains("not a JSON frame", "\"to\"");

            socket.send(Map.of("messageType", "NEW_MESSAGE", "to", jack, "content", "well typed"));
            assertThat(socket.next("DELIVERY_STATUS").path("status").asString()).isEqualTo("SENT");
        }
        assertThat(ChatMessagesTopic.recordsInvolving(KafkaBroker.bootstrapServers(), UserId.of(ivy)))
                .extracting(record -> record.value().message()).containsExactly("well typed");
    }

    private static List<String> contacts(JsonNode frame) {
        return ChatJson.MAPPER.readValue(frame.path("content").asString(),
                ChatJson.MAPPER.getTypeFactory().constructCollectionType(List.class, String.class));
    }

    /** chat.accounts as any consumer reads it. */
    static final class AccountsTopic {

        static List<AccountRegistered> registrationsOf(UserId user) {
            return TopicRecords.valuesUnder(Topics.ACCOUNTS, user);
        }
    }

    /** chat.contacts as any consumer reads it. */
    static final class ContactsTopic {

        static List<String> changesOf(UserId owner) {
            return TopicRecords.valuesUnder(Topics.CONTACTS, owner).stream()
                    .map(change -> change.change() + " " + change.contact()).toList();
        }
    }
}
