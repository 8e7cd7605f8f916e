package io.chatpipe.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The OpenAPI description the service serves at {@code /v3/api-docs}, generated from its controllers. */
class OpenApiTests extends ApiServiceOnKafka {

    @Test
    void describesTheMessageEndpointsTheirBodiesAndAnswers() {
        HttpResponse<String> response = http.get("/v3/api-docs");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode api = Http.json(response);
        JsonNode paths = api.path("paths");
        for (String path : new String[] {"/api/v1/message", "/api/v1/messages", "/api/v1/messages/batch"}) {
            assertThat(paths.path(path).has("post")).as(path).isTrue();
        }
        JsonNode single = paths.path("/api/v1/messages").path("post");
        assertThat(single.path("requestBody").path("content").path("application/json").path("schema").path("$ref")
                .asString()).endsWith("/MessageRequest");
        assertThat(single.path("responses").propertyNames()).contains("202", "400", "401", "409", "429", "503");
        assertThat(single.path("parameters").valueStream().map(parameter -> parameter.path("name").asString()))
                .containsExactly("Idempotency-Key");

        JsonNode schemas = api.path("components").path("schemas");
        assertThat(schemas.path("MessageRequest").path("properties").propertyNames())
                .containsExactlyInAnyOrder("fromId", "toId", "message", "clientMessageId");
        assertThat(schemas.path("MessageRequest").path("required").valueStream().map(JsonNode::asString))
                .containsExactlyInAnyOrder("fromId", "toId", "message");
        assertThat(schemas.path("BatchRequest").path("properties").path("messages").path("items").path("$ref")
                .asString()).endsWith("/MessageRequest");
        assertThat(schemas.path("BatchRequest").path("properties").path("messages").path("maxItems").asInt())
                .isEqualTo(1000);
        assertThat(schemas.path("BatchResponse").path("properties").propertyNames())
                .containsExactlyInAnyOrder("accepted", "rejected", "results");
        assertThat(schemas.path("MessageReceipt").path("properties").propertyNames())
                .containsExactlyInAnyOrder("messageId", "conversationId");
        assertThat(single.path("responses").path("409").path("content").path("application/problem+json")
                .path("schema").path("$ref").asString()).endsWith("/Problem");
        assertThat(schemas.path("Problem").path("properties").propertyNames())
                .contains("type", "title", "status", "detail", "errors");
        assertThat(api.path("components").path("securitySchemes").path("apiKey").path("scheme").asString())
                .isEqualTo("bearer");
    }
}
