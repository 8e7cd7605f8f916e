package io.chatpipe.api.chat;

import io.chatpipe.events.ChatJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;

/**
 * Seed 003's React client (smartinrub/spring-xmpp-websocket-reactjs, {@code xmpp-react-client}, commit
 * 9e88edd81b1c7e1438616f7b04ffffcb0bef57cc) as its Redux store and WebSocket middleware behave, frame for frame,
 * so that a test sees what its user would see. From {@code src/common/middleware/websocketMiddleware.js}:
 * <ul>
 * <li>one {@code socket} variable; a new login closes the old socket first; {@code onclose} logs out;
 * <li>JOIN_SUCCESS: {@code login({username: payload.to})}, to /home, then {@code socket.send(GET_CONTACTS)};
 * <li>NEW_MESSAGE: drawn as a received message ({@code addMessage({content, type: "NEW_MESSAGE"})});
 * <li>ERROR: logout, to /login, {@code socket = null}; LEAVE: {@code socket = null} (its own logout);
 * <li>FORBIDDEN: the "Invalid password" alert; GET_CONTACTS: the contact list is {@code JSON.parse(content)};
 * <li>anything else: {@code console.log}, nothing more.
 * </ul>
 * What the user does, from the components: sending (TypingArea.js) draws the message as sent
 * ({@code addMessage} without a type) and then {@code socket.send}s {@code {from, to, content, messageType}};
 * adding a contact (AddContactBox.js) sends ADD_CONTACT then GET_CONTACTS; logging out (Home.js) closes the
 * socket and sets it to null. A {@code socket.send} while {@code socket} is null is the browser's
 * {@code TypeError: Cannot read properties of null (reading 'send')}, kept in {@link #errors()}.
 *
 * <p>Frames are handled one at a time, as on the browser's event loop.
 */
final class Seed003Client implements AutoCloseable {

    /** Seed 003's dev server's page, as a browser names it in Origin. */
    static final String ORIGIN = "http://localhost:3000";
    private static final Duration WAIT = ChatClient.WAIT;

    /** A message as messagesSlice.js keeps it: {@code type} is NEW_MESSAGE when received, null when sent. */
    record Drawn(int id, String content, String type) {

        boolean received() {
            return "NEW_MESSAGE".equals(type);
        }
    }

    private final URI server;
    // the store (guarded by this)
    private String username;
    private boolean loggedIn;
    private String route = "/login";
    private String alert;
    private List<String> contacts = List.of();
    private String current = "";
    private final List<Drawn> messages = new ArrayList<>();
    // the middleware's variable, and what the browser's console would show (guarded by this)
    private WebSocket socket;
    private final List<String> errors = new ArrayList<>();
    private final List<JsonNode> frames = new ArrayList<>();
    private CompletableFuture<?> sending = CompletableFuture.completedFuture(null);

    /** @param server where the client's {@code new WebSocket("ws://localhost:8080/chat/...")} points instead */
    Seed003Client(URI server) {
        this.server = server;
    }

    /** Login.js: the form's submit, {@code wsConnect(username, password)}. */
    void logIn(String name, String password) {
        synchronized (this) {
            if (socket != null) {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "");
            }
        }
        URI uri = server.resolve("/chat/" + name + "/" + password);
        try {
            HttpClient.newHttpClient().newWebSocketBuilder().header("Origin", ORIGIN).connectTimeout(WAIT)
                    .buildAsync(uri, new Listener()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new AssertionError("could not open " + uri, e);
        }
    }

    /** {@code socket = new WebSocket(...)}: in the browser it is set before any of the socket's events. */
    private synchronized void opened(WebSocket opened) {
        socket = opened;
    }

    /** AddContactBox.js and the middleware's ADD_CONTACT. */
    synchronized void addContact(String contact) {
        send(Map.of("to", contact, "messageType", "ADD_CONTACT"));
        send(Map.of("messageType", "GET_CONTACTS"));
    }

    /** Contact.js: a click on a contact. */
    synchronized void select(String contact) {
        current = contact;
    }

    /** TypingArea.js: the send button. */
    synchronized void type(String content) {
        var message = new LinkedHashMap<String, String>();
        message.put("from", username);
        message.put("to", current);
        message.put("content", content);
        message.put("messageType", "NEW_MESSAGE");
        draw(content, null);
        send(message);
    }

    /** Home.js: the logout button, {@code wsDisconnect()}. */
    synchronized void logOut() {
        if (socket != null) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "");
        }
        socket = null;
        logout();
    }

    private synchronized void onMessage(JsonNode payload) {
        frames.add(payload);
        switch (payload.path("messageType").asString()) {
            case "JOIN_SUCCESS" -> {
                username = payload.path("to").asString();
                loggedIn = true;
                alert = null;
                route = "/home";
                send(Map.of("messageType", "GET_CONTACTS"));
            }
            case "NEW_MESSAGE" -> draw(payload.path("content").asString(), "NEW_MESSAGE");
            case "ERROR" -> {
                logout();
                socket = null;
            }
            case "LEAVE" -> socket = null;
            case "FORBIDDEN" -> alert = "Invalid password";
            case "GET_CONTACTS" -> contacts = ChatJson.MAPPER.readValue(payload.path("content").asString(),
                    ChatJson.MAPPER.getTypeFactory().constructCollectionType(List.class, String.class));
            default -> {
                // console.log(payload)
            }
        }
        notifyAll();
    }

    private synchronized void closed() {
        logout();
        notifyAll();
    }

    private void logout() {
        username = null;
        loggedIn = false;
        route = "/login";
    }

    private void draw(String content, String type) {
        messages.add(new Drawn(messages.size(), content, type));
    }

    private void send(Map<String, ?> frame) {
        if (socket == null) {
            errors.add("TypeError: Cannot read properties of null (reading 'send'), sending " + frame);
            return;
        }
        // one send at a time, in order, as the browser queues them; never waited for on the socket's own thread
        WebSocket to = socket;
        String text = ChatJson.MAPPER.writeValueAsString(frame);
        sending = sending.thenCompose(previous -> to.sendText(text, true)).exceptionally(failure -> {
            synchronized (this) {
                errors.add("could not send " + frame + ": " + failure);
            }
            return null;
        });
    }

    /** Waits (a bound on a hang, not a timing assertion) until the client's state satisfies the condition. */
    synchronized void await(String what, Predicate<Seed003Client> condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.test(this)) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                throw new AssertionError("not within " + WAIT + ": " + what + "; " + this);
            }
            try {
                wait(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    synchronized String username() {
        return username;
    }

    synchronized boolean loggedIn() {
        return loggedIn;
    }

    synchronized String route() {
        return route;
    }

    synchronized String alert() {
        return alert;
    }

    synchronized List<String> contacts() {
        return contacts;
    }

    synchronized boolean hasSocket() {
        return socket != null;
    }

    synchronized List<Drawn> messages() {
        return List.copyOf(messages);
    }

    /** The messages drawn as received, their text. */
    synchronized List<String> received() {
        return messages.stream().filter(Drawn::received).map(Drawn::content).toList();
    }

    /** The messages drawn as sent, their text. */
    synchronized List<String> sent() {
        return messages.stream().filter(m -> !m.received()).map(Drawn::content).toList();
    }

    synchronized List<String> errors() {
        return List.copyOf(errors);
    }

    /** Every frame the client's sockets received, in order. */
    synchronized List<JsonNode> frames() {
        return List.copyOf(frames);
    }

    synchronized long framesOfType(String type) {
        return frames.stream().filter(f -> type.equals(f.path("messageType").asString())).count();
    }

    @Override
    public synchronized void close() {
        if (socket != null) {
            socket.abort();
        }
    }

    @Override
    public synchronized String toString() {
        return "Seed003Client[user " + username + ", route " + route + ", socket " + (socket != null)
                + ", contacts " + contacts + ", messages " + messages + ", errors " + errors + ", frames " + frames
                + "]";
    }

    /** The handlers a socket was given when it was opened: they stay its handlers, whatever {@code socket} is. */
    private final class Listener implements WebSocket.Listener {

        private final StringBuilder partial = new StringBuilder();

        @Override
        public void onOpen(WebSocket webSocket) {
            opened(webSocket);
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                JsonNode payload = ChatJson.MAPPER.readTree(partial.toString());
                partial.setLength(0);
                onMessage(payload);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed();
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed();
        }
    }
}
