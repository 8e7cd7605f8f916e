package io.chatpipe.api.message;

import static io.chatpipe.api.ChatMessagesTopic.recordsInvolving;
import static io.chatpipe.api.message.MessageApiTestBodies.message;
import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.api.ApiServiceApplication;
import io.chatpipe.api.Http;
import io.chatpipe.events.ConversationId;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.UserId;
import io.chatpipe.testsupport.KafkaBroker;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A client message id (in the body or as {@code Idempotency-Key}) makes a message once, whichever
 * instance takes the request and whether the service restarted in between; each test starts its own
 * instances on the shared broker, as the run command would.
 */
class IdempotencyTests {

    static final String MESSAGES = "/api/v1/messages";

    String alice;
    String bob;

    @BeforeEach
    void users() {
        String unique = UUID.randomUUID().toString().substring(0, 8);
        alice = "alice-" + unique;
        bob = "bob-" + unique;
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyGetsTheSameIdAndStoresNothingNew() {
        try (ConfigurableApplicationContext service = start()) {
            Http http = http(service);

            HttpResponse<String> first = http.postJson(MESSAGES, message(alice, bob, "once"), "Idempotency-Key", "k-1");
            HttpResponse<String> retry = http.postJson(MESSAGES, message(alice, bob, "once"), "Idempotency-Key", "k-1");
            HttpResponse<String> inBody = http.postJson(MESSAGES, message(alice, bob, "once", "k-1"));

            assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
            assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
            for (HttpResponse<String> again : List.of(retry, inBody)) {
                assertThat(again.statusCode()).as(again.body()).isEqualTo(202);
                assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
                assertThat(Http.json(again).path("messageId").asString())
                        .isEqualTo(Http.json(first).path("messageId").asString());
            }
            assertThat(records()).singleElement().satisfies(record -> {
                assertThat(record.value().clientMessageId()).isEqualTo("k-1");
                assertThat(record.value().messageId().toString()).isEqualTo(Http.json(first).path("messageId").asString());
            });
        }
    }

    @Test
    void theSameIdForADifferentMessageIs409AndStoresNothing() {
        try (ConfigurableApplicationContext service = start()) {
            Http http = http(service);

            HttpResponse<String> first = http.postJson(MESSAGES, message(alice, bob, "hello", "c-1"));
            HttpResponse<String> otherText = http.postJson(MESSAGES, message(alice, bob, "goodbye", "c-1"));
            HttpResponse<String> otherRecipient = http.postJson(MESSAGES, message(alice, alice, "hello", "c-1"));

            assertThat(first.statusCode()).isEqualTo(202);
            for (HttpResponse<String> conflict : List.of(otherText, otherRecipient)) {
                assertThat(conflict.statusCode()).as(conflict.body()).isEqualTo(409);
                assertThat(conflict.headers().firstValue("Content-Type")).hasValue("application/problem+json");
                assertThat(Http.json(conflict).path("errors").get(0).path("field").asString())
                        .isEqualTo("clientMessageId");
            }
            assertThat(records()).extracting(record -> record.value().message()).containsExactly("hello");
        }
    }

    @Test
    void theSameIdFromAnotherSenderIsAnotherMessage() {
        try (ConfigurableApplicationContext service = start()) {
            Http http = http(service);

            String fromAlice = Http.json(http.postJson(MESSAGES, message(alice, bob, "hi", "c-1"))).path("messageId").asString();
            String fromBob = Http.json(http.postJson(MESSAGES, message(bob, alice, "hi", "c-1"))).path("messageId").asString();

            assertThat(fromBob).isNotEqualTo(fromAlice);
            assertThat(records()).hasSize(2);
        }
    }

    @Test
    void refusesAnIdempotencyKeyThatDiffersFromTheBodysClientMessageIdOrIsNotValid() {
        try (ConfigurableApplicationContext service = start()) {
            Http http = http(service);

            HttpResponse<String> differs = http.postJson(MESSAGES, message(alice, bob, "hi", "c-1"),
                    "Idempotency-Key", "c-2");
            HttpResponse<String> tooLong = http.postJson(MESSAGES, message(alice, bob, "hi"),
                    "Idempotency-Key", "k".repeat(MessageRequest.MAX_CLIENT_MESSAGE_ID + 1));

            for (HttpResponse<String> response : List.of(differs, tooLong)) {
                assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
                assertThat(Http.json(response).path("errors").get(0).path("field").asString())
                        .isEqualTo("Idempotency-Key");
            }
            assertThat(records()).isEmpty();
        }
    }

    @Test
    void remembersAcceptedIdsAcrossARestart() {
        String messageId;
        try (ConfigurableApplicationContext before = start()) {
            HttpResponse<String> first = http(before).postJson(MESSAGES, message(alice, bob, "before", "c-1"));
            assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
            messageId = Http.json(first).path("messageId").asString();
        }

        try (ConfigurableApplicationContext after = start()) {
            HttpResponse<String> retry = http(after).postJson(MESSAGES, message(alice, bob, "before", "c-1"));
            HttpResponse<String> conflict = http(after).postJson(MESSAGES, message(alice, bob, "after", "c-1"));

            assertThat(retry.statusCode()).as(retry.body()).isEqualTo(202);
            assertThat(Http.json(retry).path("messageId").asString()).isEqualTo(messageId);
            assertThat(conflict.statusCode()).as(conflict.body()).isEqualTo(409);
        }
        assertThat(records()).extracting(record -> record.value().message()).containsExactly("before");
    }

    @Test
    void concurrentIdenticalRequestsToTwoInstancesMakeOneMessage() throws Exception {
        try (ConfigurableApplicationContext one = start(); ConfigurableApplicationContext two = start();
                ExecutorService clients = Executors.newFixedThreadPool(8)) {
            List<Http> instances = List.of(http(one), http(two));
            String request = message(alice, bob, "exactly once", "c-race");
            List<Callable<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                Http http = instances.get(i % 2);
                calls.add(() -> http.postJson(MESSAGES, request));
            }

            List<HttpResponse<String>> responses = new ArrayList<>();
            for (Future<HttpResponse<String>> response : clients.invokeAll(calls)) {
                responses.add(get(response));
            }

            assertThat(responses).allSatisfy(response -> assertThat(response.statusCode()).as(response.body())
                    .isEqualTo(202));
            assertThat(responses).extracting(response -> Http.json(response).path("messageId").asString())
                    .containsOnly(Http.json(responses.getFirst()).path("messageId").asString());
            assertThat(records()).extracting(record -> record.value().message()).containsExactly("exactly once");
        }
    }

    private static HttpResponse<String> get(Future<HttpResponse<String>> response) throws InterruptedException {
        try {
            return response.get();
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        }
    }

    private static ConfigurableApplicationContext start() {
        return ApiServiceApplication.application().run("--server.port=0",
                "--spring.kafka.bootstrap-servers=" + KafkaBroker.bootstrapServers());
    }

    private static Http http(ConfigurableApplicationContext service) {
        return Http.to(((WebServerApplicationContext) service).getWebServer().getPort());
    }

    private List<ConsumerRecord<ConversationId, MessageAccepted>> records() {
        return recordsInvolving(KafkaBroker.bootstrapServers(), UserId.of(alice), UserId.of(bob));
    }
}
