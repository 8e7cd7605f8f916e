package io.chatpipe.bench.parts;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;

/**
 * HTTP/1.1 with keep-alive: each concurrent caller ends up with a connection of its own, kept open for its next
 * request. Calls are synchronous and run on the caller's thread. Measured against one api-service and Kafka alone: the JDK's HttpClient, which hands every request to
 * its one selector thread and back, reached 4,531 single messages/s from 64 callers, OkHttp 6,685, wrk 13,427.
 */
public final class Http {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final MediaType JSON = MediaType.get("application/json");

    /** What came back: enough to check it and to say what went wrong. */
    public record Response(String method, URI uri, int statusCode, String body) {
    }

    private final OkHttpClient client = new OkHttpClient.Builder()
            .connectTimeout(Duration.ofSeconds(5))
            .readTimeout(TIMEOUT)
            .writeTimeout(TIMEOUT)
            // as many idle connections as there are callers, or some reconnect for every request; each dropped after
            // 15 s idle, before the server's keep-alive timeout closes it under us: a GET on a connection the
            // api-service had closed after 30 s idle failed with "unexpected end of stream" (OkHttp reads an idle
            // socket for its close before other methods, not before a GET)
            .connectionPool(new ConnectionPool(1024, 15, TimeUnit.SECONDS))
            .retryOnConnectionFailure(false)
            .build();

    public Response get(URI uri) throws IOException {
        return send(new Request.Builder().url(uri.toString()).get().build());
    }

    public Response postJson(URI uri, String json) throws IOException {
        return send(new Request.Builder().url(uri.toString())
                .post(RequestBody.create(json.getBytes(StandardCharsets.UTF_8), JSON)).build());
    }

    public Response delete(URI uri) throws IOException {
        return send(new Request.Builder().url(uri.toString()).delete().build());
    }

    private Response send(Request request) throws IOException {
        try (okhttp3.Response response = client.newCall(request).execute()) {
            return new Response(request.method(), request.url().uri(), response.code(), response.body().string());
        }
    }

    /** The status, or an exception naming the status and the start of the body when it is not {@code expected}. */
    public static Response expect(Response response, int expected) throws IOException {
        if (response.statusCode() != expected) {
            String body = response.body() == null ? "" : response.body();
            throw new IOException(response.method() + " " + response.uri().getPath() + ": "
                    + response.statusCode() + " " + body.substring(0, Math.min(200, body.length())));
        }
        return response;
    }
}
