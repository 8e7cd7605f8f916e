package io.chatpipe.bench.parts;

import io.chatpipe.events.ChatJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * Chat WebSocket sessions on the api-service, as browsers would hold them: each session is a login over REST
 * ({@code POST /api/v1/sessions}, whose token opens one socket, once) and {@code /ws/chat?token=...} opened
 * with the token. A user may hold several (tabs, devices). All sockets share one HTTP client, so one selector
 * thread serves them all. The content of every NEW_MESSAGE frame received goes to a listener.
 */
public final class ChatSockets implements AutoCloseable {

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final ConcurrentLinkedQueue<WebSocket> open = new ConcurrentLinkedQueue<>();
    private final Map<String, AtomicInteger> byUser = new ConcurrentHashMap<>();
    private final AtomicLong frames = new AtomicLong();
    private final AtomicLong created = new AtomicLong();
    private final Http http;
    private final URI api;
    private final Consumer<String> contents;

    public ChatSockets(Http http, URI api, Consumer<String> contents) {
        this.http = http;
        this.api = api;
        this.contents = contents;
    }

    /** Logs the user in and opens a session of hers; returns once the server accepted the WebSocket. */
    public void open(String user, String password) throws Exception {
        String credentials = ChatJson.MAPPER.writeValueAsString(Map.of("username", user, "password", password));
        var login = http.postJson(api.resolve("/api/v1/sessions"), credentials);
        // more logins at once than the service hashes passwords at a time are refused (503) unchecked: ask again
        for (int tries = 1; login.statusCode() == 503 && tries < 60; tries++) {
            Thread.sleep(200);
            login = http.postJson(api.resolve("/api/v1/sessions"), credentials);
        }
        Http.expect(login, 201);
        JsonNode session = ChatJson.MAPPER.readTree(login.body());
        if (session.path("created").asBoolean(false)) {
            created.incrementAndGet();
        }
        URI uri = URI.create(api.toString().replaceFirst("^http", "ws")).resolve(session.get("webSocket").asString());
        WebSocket socket = client.newWebSocketBuilder().buildAsync(uri, new Frames())
                .get(30, TimeUnit.SECONDS);
        open.add(socket);
        byUser.computeIfAbsent(user, u -> new AtomicInteger()).incrementAndGet();
    }

    public int size() {
        return open.size();
    }

    /** How many sessions of the user are open. */
    public int sessionsOf(String user) {
        AtomicInteger count = byUser.get(user);
        return count == null ? 0 : count.get();
    }

    /** The users with at least one open session. */
    public List<String> users() {
        return List.copyOf(byUser.keySet());
    }

    /** Logins that created their account, rather than finding it. */
    public long accountsCreated() {
        return created.get();
    }

    /** Text frames received by all sessions together. */
    public long frames() {
        return frames.get();
    }

    @Override
    public void close() {
        List<WebSocket> sockets = List.copyOf(open);
        open.clear();
        byUser.clear();
        for (WebSocket socket : sockets) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bench done").exceptionally(e -> null);
        }
        for (WebSocket socket : sockets) {
            socket.abort();
        }
        client.shutdownNow();
    }

    /** Gathers a frame's parts, then hands a NEW_MESSAGE's content on. */
    private final class Frames implements WebSocket.Listener {

        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence part, boolean last) {
            text.append(part);
            if (last) {
                frames.incrementAndGet();
                try {
                    JsonNode frame = ChatJson.MAPPER.readTree(text.toString());
                    if ("NEW_MESSAGE".equals(frame.path("messageType").asString(null))) {
                        contents.accept(frame.path("content").asString(""));
                    }
                } catch (RuntimeException e) {
                    // a frame that is not JSON is not one the bench counts
                }
                text.setLength(0);
                text.trimToSize();
            }
            socket.request(1);
            return null;
        }
    }
}
