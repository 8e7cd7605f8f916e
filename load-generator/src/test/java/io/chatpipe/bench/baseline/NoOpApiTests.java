package io.chatpipe.bench.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.events.ChatJson;
import io.chatpipe.events.ConversationId;
import io.chatpipe.events.UserId;
import io.chatpipe.testsupport.FreePorts;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.core.KafkaTemplate;
import tools.jackson.databind.JsonNode;

/**
 * The ingestion baseline, with API keys required: it checks what the api-service's single-message endpoint checks
 * (key, rate limit, body, rules) and answers as it does, and it has nothing that could write to Kafka.
 */
class NoOpApiTests {

    private static final String KEY = "Bearer no-op-bench-key-7f3e9a1c5b2d4e6f8a0b1c2d3e4f5a6b";
    private static final String TINY = "Bearer no-op-tiny-key-0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d";

    private static ConfigurableApplicationContext api;
    private static URI endpoint;
    private static HttpClient http;

    @BeforeAll
    static void start() {
        int port = FreePorts.pick();
        api = NoOpApiApplication.application().run(NoOpApiApplication.arguments("--server.port=" + port,
                "--chatpipe.api.auth.required=true",
                "--chatpipe.api.auth.keys[0].name=bench",
                "--chatpipe.api.auth.keys[0].secret-sha256=4e39495f11b663b1919882593a7655801d30b0d7c98712185c2f85b97d29dc30",
                "--chatpipe.api.auth.keys[1].name=tiny",
                "--chatpipe.api.auth.keys[1].secret-sha256=3c0054da28b1ee9a9d6c56c368cb3411364296b2467a15d70c3bf54bc0aa0583",
                "--chatpipe.api.auth.keys[1].rate-limit.messages=2",
                "--chatpipe.api.auth.keys[1].rate-limit.per=1h"));
        endpoint = URI.create("http://127.0.0.1:" + port + NoOpApi.PATH);
        http = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() {
        http.close();
        api.close();
    }

    @Test
    void answersWithTheMessagesIdsAndHasNoKafka() throws Exception {
        HttpResponse<String> response = post(bytes(message("alice", "bob", "not stored")), KEY);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode receipt = ChatJson.MAPPER.readTree(response.body());
        assertThat(receipt.path("messageId").asString()).isNotBlank();
        assertThat(receipt.path("conversationId").asString())
                .isEqualTo(ConversationId.between(UserId.of("alice"), UserId.of("bob")).value());
        assertThat(api.getBeanNamesForType(KafkaTemplate.class)).isEmpty();
    }

    @Test
    void checksTheApiKeyTheRateLimitAndTheBodyAsTheMessageEndpointDoes() throws Exception {
        assertProblem(post(bytes(message("alice", "bob", "no key")), null), 401);
        HttpResponse<String> blank = post(bytes("{\"fromId\": \"alice\", \"toId\": \"\", \"message\": \"x\"}"), KEY);
        assertProblem(blank, 400);
        JsonNode problem = ChatJson.MAPPER.readTree(blank.body());
        assertThat(problem.path("detail").asString()).isEqualTo("The request is not valid.");
        assertThat(problem.path("errors").valueStream().map(error -> error.path("field").asString() + " "
                + error.path("detail").asString())).containsExactly("toId must not be blank");
        assertProblem(post(bytes("{\"fromId\": 42, \"toId\": \"bob\", \"message\": \"x\"}"), KEY), 400);
        var notUtf8 = new ByteArrayOutputStream();
        notUtf8.writeBytes(bytes("{\"fromId\": \"alice"));
        notUtf8.writeBytes(new byte[] {(byte) 0xC0, (byte) 0xAF});
        notUtf8.writeBytes(bytes("\", \"toId\": \"bob\", \"message\": \"x\"}"));
        assertProblem(post(notUtf8.toByteArray(), KEY), 400);
        assertThat(post(bytes(message("alice", "bob", "one")), TINY).statusCode()).isEqualTo(202);
        assertThat(post(bytes(message("alice", "bob", "two")), TINY).statusCode()).isEqualTo(202);
        assertProblem(post(bytes(message("alice", "bob", "three")), TINY), 429);
    }

    private static HttpResponse<String> post(byte[] body, String authorization) throws Exception {
        var request = HttpRequest.newBuilder(endpoint).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertProblem(HttpResponse<String> response, int status) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(ChatJson.MAPPER.readTree(response.body()).path("status").asInt()).isEqualTo(status);
    }

    private static String message(String from, String to, String text) {
        return ChatJson.MAPPER.writeValueAsString(Map.of("fromId", from, "toId", to, "message", text));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
