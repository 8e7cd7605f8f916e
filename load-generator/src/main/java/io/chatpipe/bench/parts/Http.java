package io.chatpipe.bench.parts;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * HTTP/1.1 with keep-alive: each concurrent caller ends up with a connection of its own, kept open for
 * its next request, as 64 keep-alive connections in the wording.
 */
public final class Http {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    public HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> postJson(URI uri, String json) throws IOException, InterruptedException {
        return send(jsonPost(uri, json));
    }

    /**
     * A POST of the JSON, to send as often as wanted: a load that posts the same bodies again and again builds
     * each once, so that the load generator spends its share of the two cores on sending, not on making JSON.
     */
    public static HttpRequest jsonPost(URI uri, String json) {
        return HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json.getBytes(StandardCharsets.UTF_8))).build();
    }

    public HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** The status, or an exception naming the status and the start of the body when it is not {@code expected}. */
    public static HttpResponse<String> expect(HttpResponse<String> response, int expected) throws IOException {
        if (response.statusCode() != expected) {
            String body = response.body() == null ? "" : response.body();
            throw new IOException(response.request().method() + " " + response.uri().getPath() + ": "
                    + response.statusCode() + " " + body.substring(0, Math.min(200, body.length())));
        }
        return response;
    }
}
