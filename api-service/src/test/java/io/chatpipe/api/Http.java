package io.chatpipe.api;

import io.chatpipe.events.ChatJson;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import tools.jackson.databind.JsonNode;

/** A real HTTP client against one running api-service. */
public record Http(HttpClient client, URI base) {

    public static Http to(int port) {
        return new Http(HttpClient.newHttpClient(), URI.create("http://127.0.0.1:" + port));
    }

    public HttpResponse<String> postJson(String path, String body) {
        return post(path, "application/json", body);
    }

    /** With extra headers, as name-value pairs: {@code "Authorization", "Bearer ..."}. */
    public HttpResponse<String> postJson(String path, String body, String... headers) {
        return postJson(path, body.getBytes(StandardCharsets.UTF_8), headers);
    }

    /** Bytes as they are, UTF-8 or not. */
    public HttpResponse<String> postJson(String path, byte[] body, String... headers) {
        HttpRequest.Builder request = request(path).header("Content-Type", "application/json");
        if (headers.length > 0) {
            request.headers(headers);
        }
        return send(request.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    public HttpResponse<String> post(String path, String contentType, String body) {
        return send(request(path).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** Streams the body with chunked transfer encoding: no Content-Length up front. */
    public HttpResponse<String> postJsonChunked(String path, InputStream body) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> body)).build());
    }

    public HttpResponse<String> get(String path) {
        return send(request(path).GET().build());
    }

    public static JsonNode json(HttpResponse<String> response) {
        return ChatJson.MAPPER.readTree(response.body());
    }

    private HttpRequest.Builder request(String path) {
        // a bound on a hang, not a timing assertion
        return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60));
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("request to " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
