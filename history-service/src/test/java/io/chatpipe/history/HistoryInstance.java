package io.chatpipe.history;

import io.chatpipe.events.ChatJson;
import io.chatpipe.testsupport.KafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/** One history-service, started as ./chatpipe run starts it, on the test broker, and an HTTP client for it. */
public final class HistoryInstance implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final ConfigurableApplicationContext context;
    private final String baseUrl;

    private HistoryInstance(ConfigurableApplicationContext context) {
        this.context = context;
        this.baseUrl = "http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    /** Starts an instance of the history application {@code applicationId} with its own state directory. */
    public static HistoryInstance start(String applicationId, Path stateDir, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + KafkaBroker.bootstrapServers(),
                "--chatpipe.history.streams.application-id=" + applicationId,
                "--chatpipe.history.streams.state-dir=" + stateDir));
        args.addAll(List.of(more));
        return new HistoryInstance(HistoryServiceApplication.application().run(args.toArray(String[]::new)));
    }

    public ConfigurableApplicationContext context() {
        return context;
    }

    public String baseUrl() {
        return baseUrl;
    }

    public Answer get(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET());
    }

    /** A GET with request headers, name and value after name and value. */
    public Answer get(String path, String... headers) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).headers(headers).GET());
    }

    /** A DELETE with request headers, name and value after name and value. */
    public Answer delete(String path, String... headers) {
        var request = HttpRequest.newBuilder(URI.create(baseUrl + path)).DELETE();
        return send(headers.length == 0 ? request : request.headers(headers));
    }

    public Answer put(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    private static Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    response.headers().firstValue("Retry-After").orElse(null), response.body(),
                    response.headers().allValues("WWW-Authenticate"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        context.close();
    }

    /** Closes each that is there, the rest even if one fails: for a test's clean-up. */
    public static void closeAll(AutoCloseable... closeables) {
        for (AutoCloseable closeable : closeables) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                // closing the rest matters more
            }
        }
    }

    /** An HTTP answer. */
    public record Answer(int status, String contentType, String retryAfter, String body, List<String> challenges) {

        public JsonNode json() {
            return ChatJson.MAPPER.readTree(body);
        }

        /** The messages of a page, or none when the answer is not a 200. */
        public List<JsonNode> messages() {
            return status == 200 ? json().get("messages").valueStream().toList() : List.of();
        }

        public List<String> bodies() {
            return messages().stream().map(m -> m.get("message").asString()).toList();
        }
    }
}
