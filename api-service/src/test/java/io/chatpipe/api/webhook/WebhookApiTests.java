package io.chatpipe.api.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatpipe.api.ApiServiceOnKafka;
import io.chatpipe.api.Http;
import io.chatpipe.events.Topics;
import io.chatpipe.events.WebhookEndpoint;
import io.chatpipe.events.WebhookEndpointState;
import io.chatpipe.testsupport.KafkaBroker;
import io.chatpipe.testsupport.TopicRecords;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** Webhook subscriptions over REST with API keys required, against the real broker. */
@TestPropertySource(properties = {
        "chatpipe.api.auth.required=true",
        "chatpipe.api.auth.keys[0].name=owner",
        "chatpipe.api.auth.keys[0].secret-sha256=6326a0280d24277c86275b837fbff8de6c5fd9c15739697bdb060e34f0024e0a",
        "chatpipe.api.auth.keys[1].name=other",
        "chatpipe.api.auth.keys[1].secret-sha256=177fb695fb42a7ec271044d0e1a6a899e7bb6a8e6fbc725a8b4908e53bd647b6",
        "chatpipe.api.auth.keys[2].name=limited",
        "chatpipe.api.auth.keys[2].secret-sha256=605e992cd571dcc7401ce47b242e4f6b0f1c9629ce6669873666d637e4f1260a",
        "chatpipe.api.auth.keys[2].senders[0]=webhook-limited-user",
        "chatpipe.api.webhooks.allow-private-endpoints=true"})
class WebhookApiTests extends ApiServiceOnKafka {

    private static final String OWNER = "webhook-owner-key-7f3a9c1e5b2d4f6a8c0e1b3d5f7a9c2e";
    private static final String OTHER = "webhook-other-key-2e4c6a8f0b1d3e5f7a9c1b3d5e7f9a0c";
    private static final String LIMITED = "webhook-limited-key-9d1b3f5a7c9e1d3f5b7a9c1e3d5f7b9a";
    private static final String SECRET = "whsec-0123456789abcdef0123456789abcdef";
    private static final String ROTATED = "whsec-fedcba9876543210fedcba9876543210";

    @Test
    void registersListsRotatesPausesAndDeletesAnEndpointWithoutEverShowingItsSecret() {
        HttpResponse<String> created = call("POST", "/api/v1/webhooks", OWNER, """
                {"url":"http://127.0.0.1:9/hook","secret":"%s","events":["message.received","message.status"],
                 "users":["%s"]}""".formatted(SECRET, alice));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = Http.json(created).path("id").asString();
        assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/webhooks/" + id);
        assertThat(created.body()).doesNotContain(SECRET).doesNotContain("secret")
                .contains("\"events\":[\"message.received\",\"message.status\"]").contains("\"users\":[\"" + alice + "\"]");
        // the dispatcher reads the secret from Kafka, where it is kept to sign
        assertThat(endpointRecords(id).getLast().secret()).isEqualTo(SECRET);

        assertThat(ids(call("GET", "/api/v1/webhooks", OWNER, null))).contains(id);
        assertThat(Http.json(call("GET", "/api/v1/webhooks/" + id, OWNER, null)).path("paused").asBoolean()).isFalse();

        HttpResponse<String> rotated = call("POST", "/api/v1/webhooks/" + id + "/secret", OWNER,
                "{\"secret\":\"" + ROTATED + "\"}");
        assertThat(rotated.statusCode()).isEqualTo(200);
        assertThat(rotated.body()).doesNotContain(ROTATED);
        assertThat(endpointRecords(id).getLast().secret()).isEqualTo(ROTATED);

        assertThat(Http.json(call("POST", "/api/v1/webhooks/" + id + "/pause", OWNER, null)).path("paused").asBoolean())
                .isTrue();
        assertThat(Http.json(call("GET", "/api/v1/webhooks/" + id, OWNER, null)).path("paused").asBoolean()).isTrue();
        assertThat(Http.json(call("POST", "/api/v1/webhooks/" + id + "/resume", OWNER, null)).path("paused").asBoolean())
                .isFalse();

        assertThat(call("DELETE", "/api/v1/webhooks/" + id, OWNER, null).statusCode()).isEqualTo(204);
        assertProblem(call("GET", "/api/v1/webhooks/" + id, OWNER, null), 404);
        assertThat(ids(call("GET", "/api/v1/webhooks", OWNER, null))).doesNotContain(id);
        // a deletion leaves no secret behind: the marker has none, then a tombstone
        assertThat(endpointRecords(id).getLast()).isNull();
    }

    @Test
    void aKeySeesAndChangesOnlyItsOwnEndpoints() {
        HttpResponse<String> created = call("POST", "/api/v1/webhooks", OWNER, """
                {"url":"http://127.0.0.1:9/hook","secret":"%s","events":["message.received"]}""".formatted(SECRET));
        String id = Http.json(created).path("id").asString();

        assertThat(ids(call("GET", "/api/v1/webhooks", OTHER, null))).doesNotContain(id);
        assertProblem(call("GET", "/api/v1/webhooks/" + id, OTHER, null), 404);
        assertProblem(call("POST", "/api/v1/webhooks/" + id + "/pause", OTHER, null), 404);
        assertProblem(call("DELETE", "/api/v1/webhooks/" + id, OTHER, null), 404);
        assertThat(call("GET", "/api/v1/webhooks/" + id, OWNER, null).statusCode()).isEqualTo(200);
        assertProblem(call("GET", "/api/v1/webhooks", null, null), 401);
    }

    @Test
    void aKeyLimitedToSomeSendersHearsOnlyThem() {
        HttpResponse<String> mine = call("POST", "/api/v1/webhooks", LIMITED, """
                {"url":"http://127.0.0.1:9/hook","secret":"%s","events":["message.received"]}""".formatted(SECRET));
        assertThat(mine.statusCode()).as(mine.body()).isEqualTo(201);
        assertThat(mine.body()).contains("\"users\":[\"webhook-limited-user\"]");

        assertProblem(call("POST", "/api/v1/webhooks", LIMITED, """
                {"url":"http://127.0.0.1:9/hook","secret":"%s","events":["message.received"],"users":["%s"]}"""
                .formatted(SECRET, alice)), 403);
    }

    @Test
    void showsWhereTheDispatcherSaysAnEndpointsDeliveriesStand() throws Exception {
        String id = Http.json(call("POST", "/api/v1/webhooks", OWNER, """
                {"url":"http://127.0.0.1:9/hook","secret":"%s","events":["message.status"]}""".formatted(SECRET)))
                .path("id").asString();
        Instant failed = Instant.parse("2026-12-07T10:00:00Z");
        var state = new WebhookEndpointState(1, id, 7, null, failed, "HTTP 500", 2, failed);
        var topic = Topics.WEBHOOK_STATES;
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaBroker.bootstrapServers()), topic.keys().serializer(), topic.values().serializer())) {
            producer.send(new ProducerRecord<>(topic.name(), id, state)).get();
        }

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode delivery = Http.json(call("GET", "/api/v1/webhooks/" + id, OWNER, null)).path("delivery");
            assertThat(delivery.path("backlog").asLong()).isEqualTo(7);
            assertThat(delivery.path("lastFailure").asString()).isEqualTo("HTTP 500");
            assertThat(delivery.path("lastFailureAt").asString()).isEqualTo("2026-12-07T10:00:00Z");
            assertThat(delivery.path("deadLetters").asLong()).isEqualTo(2);
        });
    }

    @Test
    void refusesBadSubscriptionsWith400NamingTheField() {
        String good = "\"secret\":\"" + SECRET + "\",\"events\":[\"message.received\"]";
        Map<String, String> cases = Map.of(
                "{\"url\":\"ftp://example.com/hook\"," + good + "}", "url",
                "{\"url\":\"not a url\"," + good + "}", "url",
                "{\"url\":\"https://user:pw@example.com/hook\"," + good + "}", "url",
                "{\"url\":\"http://127.0.0.1:9/hook\",\"secret\":\"short\",\"events\":[\"message.received\"]}", "secret",
                "{\"url\":\"http://127.0.0.1:9/hook\",\"secret\":\"" + SECRET + "\",\"events\":[\"message.sent\"]}", "events",
                "{\"url\":\"http://127.0.0.1:9/hook\",\"secret\":\"" + SECRET + "\",\"events\":[]}", "events",
                "{\"url\":\"http://127.0.0.1:9/hook\"," + good + ",\"users\":[\"bad\\u0007user\"]}", "users",
                "{\"url\":\"http://127.0.0.1:9/hook\",\"secret\":\"" + SECRET + "\",\"events\":{\"a\":1}}", "events",
                "{\"url\":\"http://127.0.0.1:9/hook\"," + good + ",\"users\":[" + IntStream.range(0, 1001)
                        .mapToObj(i -> "\"u" + i + "\"").collect(Collectors.joining(",")) + "]}", "users");
        cases.forEach((body, field) -> {
            HttpResponse<String> answer = call("POST", "/api/v1/webhooks", OWNER, body);
            assertProblem(answer, 400);
            assertThat(Http.json(answer).path("errors").findValuesAsString("field")).as(body).contains(field);
        });
        assertProblem(call("POST", "/api/v1/webhooks", OWNER, "{\"url\":"), 400);
    }

    private static List<String> ids(HttpResponse<String> list) {
        assertThat(list.statusCode()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        for (JsonNode endpoint : Http.json(list)) {
            ids.add(endpoint.path("id").asString());
        }
        return ids;
    }

    /** Every record of chat.webhooks under this endpoint id, in order (a tombstone is null). */
    private static List<WebhookEndpoint> endpointRecords(String id) {
        return TopicRecords.valuesUnder(Topics.WEBHOOKS, id);
    }

    private HttpResponse<String> call(String method, String path, String key, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(60))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        try {
            return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
