package io.chatpipe.api.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The limits of one connection, with small settings: a client over them gets ERROR, then a close when it
 * keeps on, and nobody else notices. Also the defaults: seed 003's password-in-the-URL endpoint is off.
 */
class ConnectionLimitsTests {

    static ChatService service;

    @BeforeAll
    static void start() {
        service = ChatService.start(
                "--chatpipe.api.websocket.max-frame-size=1KB",
                "--chatpipe.api.websocket.frames-per-second=1",
                "--chatpipe.api.websocket.burst=5",
                "--chatpipe.api.websocket.max-strikes=3");
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @Test
    void aFrameTooLargeGetsAnErrorAndAClientThatKeepsSendingThemIsClosed() {
        String big = "{\"messageType\":\"NEW_MESSAGE\",\"to\":\"x\",\"content\":\"" + "é".repeat(600) + "\"}";
        try (ChatClient offender = service.join(ChatService.user("big"), "pw");
             ChatClient bystander = service.join(ChatService.user("bystander"), "pw")) {

            offender.sendText(big);
            assertThat(offender.next("ERROR").path("content").asString()).contains("larger than 1024 bytes");
            offender.send(Map.of("messageType", "GET_CONTACTS"));
            assertThat(offender.next("GET_CONTACTS").path("content").asString())
                    .as("still served after one oversized frame").isEqualTo("[]");

            List<String> errors = new ArrayList<>();
            while (errors.size() < 10 && (errors.isEmpty() || !errors.getLast().contains("closing"))) {
                offender.sendText(big);
                errors.add(offender.next("ERROR").path("content").asString());
            }
            assertThat(errors.getLast()).contains("too many bad frames, closing the connection");
            assertThat(errors.size()).as("never closed at the first error").isGreaterThan(1);
            assertThat(offender.awaitClose()).isEqualTo(1008);

            bystander.send(Map.of("messageType", "GET_CONTACTS"));
            assertThat(bystander.next("GET_CONTACTS").path("content").asString()).isEqualTo("[]");
        }
    }

    @Test
    void aClientOverItsFrameRateGetsErrorsThenIsClosedAndOthersAreServed() {
        try (ChatClient flooder = service.join(ChatService.user("flood"), "pw");
             ChatClient bystander = service.join(ChatService.user("bystander"), "pw")) {

            List<JsonNode> answers = new ArrayList<>();
            for (int i = 0; i < 100 && flooder.trySend(Map.of("messageType", "GET_CONTACTS")); i++) {
                // as fast as the client can; the server closes it when it has had enough
            }
            assertThat(flooder.awaitClose()).isEqualTo(1008);
            answers.addAll(flooder.pending());

            assertThat(answers).anyMatch(frame -> frame.path("messageType").asString().equals("GET_CONTACTS"));
            assertThat(answers).anyMatch(frame -> frame.path("messageType").asString().equals("ERROR")
                    && frame.path("content").asString().contains("too many frames"));
            bystander.send(Map.of("messageType", "GET_CONTACTS"));
            assertThat(bystander.next("GET_CONTACTS").path("content").asString()).isEqualTo("[]");
        }
    }

    @Test
    void seed003sPasswordInTheUrlIsOffByDefaultAndThatPathIsTheChatPage() {
        assertThat(ChatClient.refusal(service.legacy("someone", "secret"), null)).isEqualTo(404);

        HttpResponse<String> page = service.http().get("/chat/alice/bob");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/html"));
        assertThat(page.body()).contains("/assets/chat.js", "id=\"password\"");
    }
}
