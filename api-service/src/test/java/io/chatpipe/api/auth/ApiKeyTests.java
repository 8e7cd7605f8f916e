package io.chatpipe.api.auth;

import static io.chatpipe.api.ChatMessagesTopic.recordsInvolving;
import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.api.ApiServiceOnKafka;
import io.chatpipe.api.Http;
import io.chatpipe.events.ChatJson;
import io.chatpipe.events.UserId;
import io.chatpipe.testsupport.KafkaBroker;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** API keys and their rate limits, with keys required, against a real broker. */
@TestPropertySource(properties = {
        "chatpipe.api.auth.required=true",
        "chatpipe.api.auth.keys[0].name=any-sender",
        "chatpipe.api.auth.keys[0].secret-sha256=" + ApiKeyTests.ANY_SENDER_HASH,
        "chatpipe.api.auth.keys[1].name=shop",
        "chatpipe.api.auth.keys[1].secret-sha256=" + ApiKeyTests.SHOP_HASH,
        "chatpipe.api.auth.keys[1].senders[0]=Shop-Bot",
        "chatpipe.api.auth.keys[1].senders[1]=shop-alerts",
        "chatpipe.api.auth.keys[2].name=tiny",
        "chatpipe.api.auth.keys[2].secret-sha256=" + ApiKeyTests.TINY_HASH,
        "chatpipe.api.auth.keys[2].rate-limit.messages=3",
        "chatpipe.api.auth.keys[2].rate-limit.per=1h",
        "chatpipe.api.auth.keys[3].name=small",
        "chatpipe.api.auth.keys[3].secret-sha256=" + ApiKeyTests.SMALL_HASH,
        "chatpipe.api.auth.keys[3].rate-limit.messages=4",
        "chatpipe.api.auth.keys[3].rate-limit.per=1h"})
@ExtendWith(OutputCaptureExtension.class)
class ApiKeyTests extends ApiServiceOnKafka {

    static final String ANY_SENDER = "any-sender-key-3b1f5e0c9d7a4e21b8f6c0d2a9e7b5c3";
    static final String ANY_SENDER_HASH = "18d929f457dd111a60b12264bb88d6cbf7b821c55f340ad9a78b95bf570b8b9c";
    static final String SHOP = "shop-key-8c2d4f6a0b1e3c5d7f9a2b4c6d8e0f1a";
    static final String SHOP_HASH = "2a18915c0721ba6f2fc5b8dc1ff6c4809d8396a3839456084227a0427f03572c";
    static final String TINY = "tiny-key-5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b";
    static final String TINY_HASH = "fd4089f3f390bdd043aded518b3f41e577e6d367883bbf8b7fe05bfa874414a6";
    static final String SMALL = "small-key-1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d";
    static final String SMALL_HASH = "cfccd91cf0a38b1498d7893f77d5d8db40be62b8a06506c1ecefb29e79e08392";


    @Test
    void theConfiguredHashesAreTheKeysHashes() {
        assertThat(ApiKeys.sha256(ANY_SENDER)).isEqualTo(ANY_SENDER_HASH);
        assertThat(ApiKeys.sha256(SHOP)).isEqualTo(SHOP_HASH);
        assertThat(ApiKeys.sha256(TINY)).isEqualTo(TINY_HASH);
        assertThat(ApiKeys.sha256(SMALL)).isEqualTo(SMALL_HASH);
    }

    @Test
    void refusesARequestWithoutAKeyWith401AndAChallenge() {
        HttpResponse<String> response = http.postJson("/api/v1/messages", message(alice, bob));

        assertProblem(response, 401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"chatpipe\"");
        assertThat(records()).isEmpty();
    }

    @Test
    void refusesAWrongKeyOrAnotherSchemeWith401() {
        HttpResponse<String> wrong = http.postJson("/api/v1/message", message(alice, bob),
                "Authorization", "Bearer not-a-configured-key");
        HttpResponse<String> basic = http.postJson("/api/v1/messages/batch", "{\"messages\": [" + message(alice, bob) + "]}",
                "Authorization", "Basic " + ANY_SENDER);

        assertProblem(wrong, 401);
        assertThat(wrong.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                challenge -> assertThat(challenge).startsWith("Bearer realm=\"chatpipe\"").contains("invalid_token"));
        assertProblem(basic, 401);
        assertThat(records()).isEmpty();
    }

    @Test
    void acceptsAMessageWithAValidKeyAndSaysTheRateLimit() {
        HttpResponse<String> response = http.postJson("/api/v1/messages", message(alice, bob),
                "Authorization", "Bearer " + ANY_SENDER);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(response.headers().firstValue("X-RateLimit-Limit")).hasValue("1000");
        assertThat(response.headers().firstValue("X-RateLimit-Remaining")).isPresent();
        assertThat(response.headers().firstValue("X-RateLimit-Reset")).isPresent();
        assertThat(records()).hasSize(1);
    }

    @Test
    void refusesAKeyThatSendsAsAUserItMayNotWith403() {
        HttpResponse<String> allowed = http.postJson("/api/v1/messages", message("SHOP-BOT", bob),
                "Authorization", "Bearer " + SHOP);
        HttpResponse<String> forbidden = http.postJson("/api/v1/messages", message(alice, bob),
                "Authorization", "Bearer " + SHOP);

        assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(202);
        assertProblem(forbidden, 403);
        assertThat(Http.json(forbidden).path("errors").get(0).path("field").asString()).isEqualTo("fromId");
        assertThat(recordsInvolving(KafkaBroker.bootstrapServers(), UserId.of(alice))).isEmpty();
    }

    @Test
    void refusesOnlyTheItemsOfABatchThatTheKeyMayNotSend() {
        HttpResponse<String> response = http.postJson("/api/v1/messages/batch",
                "{\"messages\": [" + message("shop-alerts", bob) + ", " + message(alice, bob) + "]}",
                "Authorization", "Bearer " + SHOP);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(Http.json(response).path("results").valueStream().map(result -> result.path("status").asInt()))
                .containsExactly(202, 403);
        assertThat(records()).extracting(record -> record.value().fromId()).containsExactly(UserId.of("shop-alerts"));
    }

    @Test
    void refusesMessagesPastTheRateLimitWith429AndRetryAfter() {
        List<HttpResponse<String>> allowed = List.of(
                http.postJson("/api/v1/messages", message(alice, bob), "Authorization", "Bearer " + TINY),
                http.postJson("/api/v1/messages", message(alice, bob), "Authorization", "Bearer " + TINY),
                http.postJson("/api/v1/messages", message(alice, bob), "Authorization", "Bearer " + TINY));
        HttpResponse<String> refused = http.postJson("/api/v1/messages", message(alice, bob),
                "Authorization", "Bearer " + TINY);
        HttpResponse<String> otherKey = http.postJson("/api/v1/messages", message(alice, bob),
                "Authorization", "Bearer " + ANY_SENDER);

        assertThat(allowed).allSatisfy(response -> assertThat(response.statusCode()).isEqualTo(202));
        assertThat(allowed).extracting(response -> response.headers().firstValue("X-RateLimit-Remaining").orElseThrow())
                .containsExactly("2", "1", "0");
        assertThat(allowed).allSatisfy(response ->
                assertThat(response.headers().firstValue("X-RateLimit-Limit")).hasValue("3"));
        assertProblem(refused, 429);
        assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(
                seconds -> assertThat(Long.parseLong(seconds)).isPositive());
        assertThat(refused.headers().firstValue("X-RateLimit-Limit")).hasValue("3");
        assertThat(refused.headers().firstValue("X-RateLimit-Remaining")).hasValue("0");
        assertThat(refused.headers().firstValue("X-RateLimit-Reset")).hasValueSatisfying(
                seconds -> assertThat(Long.parseLong(seconds)).isPositive());
        assertThat(otherKey.statusCode()).isEqualTo(202);
        assertThat(records()).hasSize(4);
    }

    @Test
    void aBatchTakesOneTokenPerMessageAndRefusesTheMessagesPastTheLimit() {
        String messages = String.join(", ", List.of(message(alice, bob), message(alice, bob), message(alice, bob),
                message(alice, bob), message(alice, bob), message(alice, bob)));

        HttpResponse<String> response = http.postJson("/api/v1/messages/batch", "{\"messages\": [" + messages + "]}",
                "Authorization", "Bearer " + SMALL);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<JsonNode> results = Http.json(response).path("results").valueStream().toList();
        assertThat(results).extracting(result -> result.path("status").asInt())
                .containsExactly(202, 202, 202, 202, 429, 429);
        assertThat(results.get(4).path("retryAfter").asLong()).isPositive();
        assertThat(response.headers().firstValue("X-RateLimit-Remaining")).hasValue("0");
        assertThat(records()).hasSize(4);
    }

    @Test
    void leavesHealthAndTheApiDescriptionOpen() {
        assertThat(http.get("/actuator/health").statusCode()).isEqualTo(200);
        assertThat(http.get("/v3/api-docs").statusCode()).isEqualTo(200);
    }

    @Test
    void neverLogsAKey(CapturedOutput output) {
        http.postJson("/api/v1/messages", message(alice, bob), "Authorization", "Bearer " + ANY_SENDER);
        http.postJson("/api/v1/messages", message(alice, bob), "Authorization", "Bearer wrong-" + SHOP);

        assertThat(output.getAll()).doesNotContain(ANY_SENDER).doesNotContain(SHOP);
    }

    private String message(String from, String to) {
        return ChatJson.MAPPER.writeValueAsString(Map.of("fromId", from, "toId", to, "message", "hi"));
    }
}
