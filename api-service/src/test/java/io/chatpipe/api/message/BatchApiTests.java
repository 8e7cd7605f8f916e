package io.chatpipe.api.message;

import static io.chatpipe.api.ChatMessagesTopic.recordsInvolving;
import static io.chatpipe.api.message.MessageApiTestBodies.batch;
import static io.chatpipe.api.message.MessageApiTestBodies.message;
import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.api.ApiServiceOnKafka;
import io.chatpipe.api.Http;
import io.chatpipe.events.ConversationId;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.UserId;
import io.chatpipe.testsupport.KafkaBroker;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code POST /api/v1/messages/batch} against a real Kafka broker: item by item, one bad item sinks nothing. */
class BatchApiTests extends ApiServiceOnKafka {

    static final String BATCH = "/api/v1/messages/batch";


    @Test
    void storesTheGoodItemsAndRejectsEachBadOneWithItsOwnReason() {
        HttpResponse<String> response = http.postJson(BATCH, batch(
                message(alice, bob, "first"),
                "{\"fromId\": \"" + alice + "\", \"toId\": \"\", \"message\": \"no recipient\"}",
                "{\"fromId\": \"" + alice + "\", \"toId\": \"" + bob + "\", \"message\": 42}",
                message(alice, bob, "é".repeat(MessageAccepted.MAX_MESSAGE_BYTES / 2) + "!"),
                "\"just a string\"",
                message(bob, alice, "last")));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = Http.json(response);
        assertThat(body.path("accepted").asInt()).isEqualTo(2);
        assertThat(body.path("rejected").asInt()).isEqualTo(4);
        List<JsonNode> results = body.path("results").valueStream().toList();
        assertThat(results).extracting(result -> result.path("index").asInt()).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(results).extracting(result -> result.path("status").asInt())
                .containsExactly(202, 400, 400, 413, 400, 202);
        assertThat(fields(results.get(1))).containsExactly("toId");
        assertThat(fields(results.get(2))).containsExactly("message");
        assertThat(fields(results.get(3))).containsExactly("message");
        assertThat(fields(results.get(4))).containsExactly("body");
        assertThat(results.get(1).path("detail").asString()).isNotBlank();
        assertThat(results.get(1).has("messageId")).isFalse();

        ConversationId conversation = ConversationId.between(UserId.of(alice), UserId.of(bob));
        assertThat(results.get(0).path("conversationId").asString()).isEqualTo(conversation.value());
        List<ConsumerRecord<ConversationId, MessageAccepted>> records = records();
        assertThat(records).extracting(record -> record.value().message()).containsExactlyInAnyOrder("first", "last");
        assertThat(records).extracting(record -> record.value().messageId().toString())
                .containsExactlyInAnyOrder(results.get(0).path("messageId").asString(),
                        results.get(5).path("messageId").asString());
    }

    @Test
    void keepsTheOrderOfAConversationsMessagesWithinABatch() {
        List<String> texts = IntStream.range(0, 50).mapToObj(i -> "message " + i).toList();

        HttpResponse<String> response = http.postJson(BATCH,
                batch(texts.stream().map(text -> message(alice, bob, text)).toArray(String[]::new)));

        assertThat(Http.json(response).path("accepted").asInt()).as(response.body()).isEqualTo(50);
        assertThat(records()).extracting(record -> record.value().message()).containsExactlyElementsOf(texts);
    }

    @Test
    void acceptsAThousandMessagesInOneBatch() {
        String[] messages = IntStream.range(0, 1000).mapToObj(i -> message(alice, bob + i % 10, "m" + i))
                .toArray(String[]::new);

        HttpResponse<String> response = http.postJson(BATCH, batch(messages));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(Http.json(response).path("accepted").asInt()).isEqualTo(1000);
        assertThat(Http.json(response).path("results").valueStream().map(result -> result.path("messageId").asString())
                .distinct().count()).isEqualTo(1000);
        UserId[] recipients = IntStream.range(0, 10).mapToObj(i -> UserId.of(bob + i)).toArray(UserId[]::new);
        assertThat(recordsInvolving(KafkaBroker.bootstrapServers(), recipients)).hasSize(1000);
    }

    @Test
    void refusesMoreThanAThousandMessagesWith413AndStoresNone() {
        String[] messages = IntStream.range(0, 1001).mapToObj(i -> message(alice, bob, "m" + i))
                .toArray(String[]::new);

        HttpResponse<String> response = http.postJson(BATCH, batch(messages));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(fields(Http.json(response))).containsExactly("messages");
        assertThat(records()).isEmpty();
    }

    @Test
    void refusesABatchThatIsNotOneWith400() {
        for (String body : List.of("{\"messages\": []}", "{}", "{\"messages\": \"hi\"}", "[]")) {
            HttpResponse<String> response = http.postJson(BATCH, body);

            assertThat(response.statusCode()).as(body).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(Http.json(response).path("errors").valueStream().map(e -> e.path("field").asString()).toList())
                    .as(body).containsAnyOf("messages", "body");
        }
    }

    @Test
    void aRetriedBatchGetsTheSameIdsAndStoresNothingNew() {
        String request = batch(message(alice, bob, "one", "c-1"), message(alice, bob, "two", "c-2"),
                message(alice, bob, "unkeyed"));

        JsonNode first = Http.json(http.postJson(BATCH, request));
        JsonNode retry = Http.json(http.postJson(BATCH, request));

        assertThat(ids(retry).subList(0, 2)).isEqualTo(ids(first).subList(0, 2));
        assertThat(retry.path("results").get(0).path("replayed").asBoolean()).isTrue();
        assertThat(first.path("results").get(0).has("replayed")).isFalse();
        assertThat(records()).extracting(record -> record.value().message())
                .containsExactlyInAnyOrder("one", "two", "unkeyed", "unkeyed");
    }

    @Test
    void theSameClientMessageIdTwiceInABatchIsOneMessageUnlessTheyDiffer() {
        HttpResponse<String> response = http.postJson(BATCH, batch(
                message(alice, bob, "same", "dup"), message(alice, bob, "same", "dup"),
                message(alice, bob, "other", "dup")));

        List<JsonNode> results = Http.json(response).path("results").valueStream().toList();
        assertThat(results).extracting(result -> result.path("status").asInt()).containsExactly(202, 202, 409);
        assertThat(results.get(1).path("messageId").asString()).isEqualTo(results.get(0).path("messageId").asString());
        assertThat(fields(results.get(2))).containsExactly("clientMessageId");
        assertThat(records()).extracting(record -> record.value().message()).containsExactly("same");
    }

    private static List<String> ids(JsonNode batchResponse) {
        return batchResponse.path("results").valueStream().map(result -> result.path("messageId").asString()).toList();
    }

    private static List<String> fields(JsonNode problem) {
        return problem.path("errors").valueStream().map(error -> error.path("field").asString()).toList();
    }
}
