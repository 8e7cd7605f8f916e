package io.chatpipe.api.message;

import static io.chatpipe.api.message.MessageApiTestBodies.message;
import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.api.ApiServiceOnKafka;
import io.chatpipe.api.Http;
import io.chatpipe.events.ConversationId;
import io.chatpipe.events.UserId;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * The benchmark's no-op endpoint, switched on, with API keys required: it checks what the single-message
 * endpoint checks (key, rate limit, body) and answers as it does, but writes nothing to Kafka. That it does
 * not exist unless switched on is in {@link MessageApiTests}.
 */
@TestPropertySource(properties = {
        "chatpipe.api.bench.no-op-endpoint=true",
        "chatpipe.api.auth.required=true",
        "chatpipe.api.auth.keys[0].name=bench",
        "chatpipe.api.auth.keys[0].secret-sha256=4e39495f11b663b1919882593a7655801d30b0d7c98712185c2f85b97d29dc30",
        "chatpipe.api.auth.keys[1].name=tiny",
        "chatpipe.api.auth.keys[1].secret-sha256=3c0054da28b1ee9a9d6c56c368cb3411364296b2467a15d70c3bf54bc0aa0583",
        "chatpipe.api.auth.keys[1].rate-limit.messages=2",
        "chatpipe.api.auth.keys[1].rate-limit.per=1h"})
class NoOpEndpointTests extends ApiServiceOnKafka {

    static final String NO_OP = "/api/v1/messages/no-op";
    static final String[] KEY = {"Authorization", "Bearer no-op-bench-key-7f3e9a1c5b2d4e6f8a0b1c2d3e4f5a6b"};
    static final String[] TINY = {"Authorization", "Bearer no-op-tiny-key-0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d"};

    @Test
    void answersAsTheMessageEndpointDoesButWritesNothingToKafka() {
        HttpResponse<String> noOp = http.postJson(NO_OP, message(alice, bob, "not stored"), KEY);
        HttpResponse<String> real = http.postJson("/api/v1/messages", message(alice, bob, "stored"), KEY);

        assertThat(noOp.statusCode()).as(noOp.body()).isEqualTo(202);
        assertThat(Http.json(noOp).path("messageId").asString()).isNotBlank();
        assertThat(Http.json(noOp).path("conversationId").asString())
                .isEqualTo(ConversationId.between(UserId.of(alice), UserId.of(bob)).value());
        assertThat(real.statusCode()).as(real.body()).isEqualTo(202);
        // the real message was acknowledged after the no-op one was answered: reading up to it is reading enough
        assertThat(records()).extracting(record -> record.value().message()).containsExactly("stored");
    }

    @Test
    void checksTheApiKeyTheRateLimitAndTheBodyAsTheMessageEndpointDoes() {
        assertProblem(http.postJson(NO_OP, message(alice, bob, "no key")), 401);
        assertProblem(http.postJson(NO_OP, "{\"fromId\": \"" + alice + "\", \"toId\": \"\", \"message\": \"x\"}", KEY),
                400);
        assertProblem(http.postJson(NO_OP, "{\"fromId\": 42, \"toId\": \"" + bob + "\", \"message\": \"x\"}", KEY),
                400);
        assertProblem(http.postJson(NO_OP, MessageApiTestBodies.withBytes(message(alice + "@@", bob, "x"),
                (byte) 0xC0, (byte) 0xAF), KEY), 400);
        assertThat(http.postJson(NO_OP, message(alice, bob, "one"), TINY).statusCode()).isEqualTo(202);
        assertThat(http.postJson(NO_OP, message(alice, bob, "two"), TINY).statusCode()).isEqualTo(202);
        assertProblem(http.postJson(NO_OP, message(alice, bob, "three"), TINY), 429);
        assertThat(records()).isEmpty();
    }
}
