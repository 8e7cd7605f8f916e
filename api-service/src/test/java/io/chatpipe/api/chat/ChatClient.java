package io.chatpipe.api.chat;

import io.chatpipe.events.ChatJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import tools.jackson.databind.JsonNode;

/**
 * A real WebSocket client (java.net.http) speaking the chat's JSON frames, as seed 003's client does.
 * Every wait is bounded (a bound on a hang, not a timing assertion).
 */
final class ChatClient implements WebSocket.Listener, AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(30);

    private final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private final List<JsonNode> skipped = new ArrayList<>();
    private WebSocket socket;

    static ChatClient open(URI uri) {
        return open(uri, null);
    }

    static ChatClient open(URI uri, String origin) {
        ChatClient client = new ChatClient();
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(WAIT);
        if (origin != null) {
            builder.header("Origin", origin);
        }
        try {
            client.socket = builder.buildAsync(uri, client).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new AssertionError("could not open " + uri, e);
        }
        return client;
    }

    /** The HTTP status with which the server refused to open the socket. */
    static int refusal(URI uri, String origin) {
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(WAIT);
        if (origin != null) {
            builder.header("Origin", origin);
        }
        try {
            WebSocket opened = builder.buildAsync(uri, new WebSocket.Listener() {
            }).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            opened.abort();
            throw new AssertionError("the server opened " + uri);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw new AssertionError("could not reach " + uri, e);
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("could not reach " + uri, e);
        }
    }

    void send(Map<String, ?> frame) {
        sendText(ChatJson.MAPPER.writeValueAsString(frame));
    }

    /** Sends a frame unless the socket is closed; false when it is. */
    boolean trySend(Map<String, ?> frame) {
        if (closed.isDone() || socket.isOutputClosed()) {
            return false;
        }
        try {
            socket.sendText(ChatJson.MAPPER.writeValueAsString(frame), true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException e) {
            return false;
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("could not send", e);
        }
    }

    void sendText(String text) {
        try {
            socket.sendText(text, true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new AssertionError("could not send", e);
        }
    }

    /** The next frame, whatever it is. */
    JsonNode next() {
        try {
            JsonNode frame = frames.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            if (frame == null) {
                throw new AssertionError("no frame within " + WAIT + "; skipped so far: " + skipped);
            }
            return frame;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The next frame of a type, passing over others (presence, echoes) on the way. */
    JsonNode next(String messageType) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode frame = next();
            if (messageType.equals(frame.path("messageType").asString())) {
                return frame;
            }
            skipped.add(frame);
        }
        throw new AssertionError("no " + messageType + " frame within " + WAIT + "; skipped: " + skipped);
    }

    /** The next frame of a type about a user (its {@code from}). */
    JsonNode next(String messageType, String from) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode frame = next(messageType);
            if (from.equals(frame.path("from").asString())) {
                return frame;
            }
            skipped.add(frame);
        }
        throw new AssertionError("no " + messageType + " from " + from + "; skipped: " + skipped);
    }

    /** The close code the server closed with. */
    int awaitClose() {
        try {
            return closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new AssertionError("the server did not close the socket", e);
        }
    }

    boolean isClosed() {
        return closed.isDone();
    }

    /** Frames passed over by {@link #next(String)}. */
    List<JsonNode> skipped() {
        return List.copyOf(skipped);
    }

    /** Frames received and not yet taken. */
    List<JsonNode> pending() {
        return List.copyOf(frames);
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            frames.add(ChatJson.MAPPER.readTree(partial.toString()));
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete(-1);
    }

    @Override
    public void close() {
        if (!closed.isDone() && !socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS)
                    .exceptionally(e -> null).join();
        }
        try {
            closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            socket.abort();
        }
    }
}
