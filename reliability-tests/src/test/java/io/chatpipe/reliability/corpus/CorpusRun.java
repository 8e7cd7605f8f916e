package io.chatpipe.reliability.corpus;

import io.chatpipe.events.ChatJson;
import io.chatpipe.reliability.TestStack;
import io.chatpipe.supervisor.Service;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import tools.jackson.databind.JsonNode;

/** Runs the corpus's cases against the shared stack, a few at a time, and keeps what each got back. */
final class CorpusRun {

    static final String WS_PASSWORD = "corpus-ws-password";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** A WebSocket case's answer. */
    record WsOutcome(Kind kind, int code, String text, String messageId) {

        /** ANSWERED: a reply that is neither a refusal nor a message, such as HISTORY. */
        enum Kind { HANDSHAKE_REFUSED, ERROR_FRAME, FORBIDDEN, CLOSED, ACCEPTED, ANSWERED, JOINED, NOTHING, FAILED }

        /** A 4xx handshake, ERROR, FORBIDDEN, or a close for a protocol error, bad data, policy or size. */
        boolean refused() {
            return switch (kind) {
                case HANDSHAKE_REFUSED -> code >= 400 && code < 500;
                case ERROR_FRAME, FORBIDDEN -> true;
                case CLOSED -> code == 1002 || code == 1003 || code == 1007 || code == 1008 || code == 1009;
                default -> false;
            };
        }

        boolean accepted() {
            return kind == Kind.ACCEPTED;
        }

        /** Neither refused nor a message: a reply of another kind. */
        boolean answered() {
            return kind == Kind.ANSWERED;
        }

        /** What no input may cause: a 5xx handshake, or a close for an error of ours (1011). */
        boolean serverError() {
            return kind == Kind.HANDSHAKE_REFUSED && code >= 500 || kind == Kind.CLOSED && code == 1011;
        }

        @Override
        public String toString() {
            return kind + (code != 0 ? " " + code : "") + (text != null ? " " + abbreviate(text) : "");
        }
    }

    private final TestStack stack;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final Semaphore parallel = new Semaphore(8);

    CorpusRun(TestStack stack) {
        this.stack = stack;
    }

    Map<RestCase, RawHttp.Response> rest(List<RestCase> cases) {
        return runAll(cases, c -> RawHttp.exchange(stack.port(c.history() ? Service.HISTORY : Service.API), c.request(),
                TIMEOUT));
    }

    Map<WsCase, WsOutcome> webSocket(List<WsCase> cases) {
        login();   // the first login creates the account; the cases' logins then only check the password
        return runAll(cases, this::run);
    }

    private <C, R> Map<C, R> runAll(List<C> cases, Attempt<C, R> attempt) {
        Map<C, R> outcomes = new ConcurrentHashMap<>();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (C c : cases) {
                futures.add(executor.submit((Callable<Void>) () -> {
                    parallel.acquireUninterruptibly();
                    try {
                        outcomes.put(c, attempt.run(c));
                    } finally {
                        parallel.release();
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
        return outcomes;
    }

    @FunctionalInterface
    private interface Attempt<C, R> {
        R run(C c) throws Exception;
    }

    private WsOutcome run(WsCase c) {
        try {
            if (c.handshake() != null) {
                return handshake(c);
            }
            try (RawWebSocket socket = RawWebSocket.open(stack.port(Service.API), "/ws/chat?token=" + login(), Map.of(),
                    TIMEOUT)) {
                if (socket.handshakeStatus() != 101) {
                    return new WsOutcome(WsOutcome.Kind.FAILED, socket.handshakeStatus(), "a logged-in handshake failed", null);
                }
                RawWebSocket.Frame joined = socket.await(f -> type(f).equals("JOIN_SUCCESS"), TIMEOUT);
                if (joined == null || !type(joined).equals("JOIN_SUCCESS")) {
                    return new WsOutcome(WsOutcome.Kind.FAILED, 0, "no JOIN_SUCCESS: " + joined, null);
                }
                try {
                    c.frames().send(socket);
                } catch (IOException e) {
                    // the server may close while a large frame is still being written: its answer counts
                }
                return classify(socket.await(f -> answers(f, c.marker()), TIMEOUT), c.marker());
            }
        } catch (IOException e) {
            return new WsOutcome(WsOutcome.Kind.FAILED, 0, e.toString(), null);
        }
    }

    private WsOutcome handshake(WsCase c) throws IOException {
        String target = c.handshake().target();
        if (target.contains("{token}")) {
            String token = login();
            if (c.handshake().reuse()) {
                try (RawWebSocket first = RawWebSocket.open(stack.port(Service.API), "/ws/chat?token=" + token, Map.of(),
                        TIMEOUT)) {
                    first.await(f -> type(f).equals("JOIN_SUCCESS"), TIMEOUT);
                }
            }
            target = target.replace("{token}", token);
        }
        try (RawWebSocket socket = RawWebSocket.open(stack.port(Service.API), target, c.handshake().headers(), TIMEOUT)) {
            if (socket.handshakeStatus() != 101) {
                return new WsOutcome(WsOutcome.Kind.HANDSHAKE_REFUSED, socket.handshakeStatus(), null, null);
            }
            return classify(socket.await(f -> answers(f, c.marker()) || type(f).equals("JOIN_SUCCESS"), TIMEOUT),
                    c.marker());
        }
    }

    /**
     * An ERROR or FORBIDDEN to this session, the SENT of its own message (which it gets in place of the message), or
     * the NEW_MESSAGE of this case's own message.
     */
    private static boolean answers(RawWebSocket.Frame frame, String marker) {
        String type = type(frame);
        // HISTORY and SENT go to the asking session only; other replies (contact echoes, the messages of the user's
        // other sessions) go to all the user's sessions
        return type.equals("ERROR") || type.equals("FORBIDDEN") || type.equals("HISTORY") || sent(frame)
                || type.equals("NEW_MESSAGE") && frame.text().contains(marker);
    }

    private static boolean sent(RawWebSocket.Frame frame) {
        return type(frame).equals("DELIVERY_STATUS") && json(frame.text()).path("status").asString("").equals("SENT");
    }

    private static WsOutcome classify(RawWebSocket.Frame frame, String marker) {
        if (frame == null) {
            return new WsOutcome(WsOutcome.Kind.NOTHING, 0, "no answer within " + TIMEOUT, null);
        }
        if (frame.opcode() == RawWebSocket.CLOSE) {
            return new WsOutcome(WsOutcome.Kind.CLOSED, frame.closeCode(), frame.toString(), null);
        }
        return switch (type(frame)) {
            case "ERROR" -> new WsOutcome(WsOutcome.Kind.ERROR_FRAME, 0, frame.text(), null);
            case "FORBIDDEN" -> new WsOutcome(WsOutcome.Kind.FORBIDDEN, 0, frame.text(), null);
            case "JOIN_SUCCESS" -> new WsOutcome(WsOutcome.Kind.JOINED, 0, frame.text(), null);
            case "HISTORY" -> new WsOutcome(WsOutcome.Kind.ANSWERED, 0, frame.text(), null);
            case "NEW_MESSAGE" -> new WsOutcome(WsOutcome.Kind.ACCEPTED, 0, frame.text(),
                    json(frame.text()).path("messageId").asString(null));
            case "DELIVERY_STATUS" -> sent(frame)
                    ? new WsOutcome(WsOutcome.Kind.ACCEPTED, 0, frame.text(), json(frame.text()).path("messageId").asString(null))
                    : new WsOutcome(WsOutcome.Kind.FAILED, 0, "unexpected " + frame, null);
            default -> new WsOutcome(WsOutcome.Kind.FAILED, 0, "unexpected " + frame, null);
        };
    }

    static String type(RawWebSocket.Frame frame) {
        if (frame == null || frame.opcode() != RawWebSocket.TEXT) {
            return "";
        }
        return json(frame.text()).path("messageType").asString("");
    }

    static JsonNode json(String text) {
        try {
            return ChatJson.MAPPER.readTree(text);
        } catch (RuntimeException e) {
            return ChatJson.MAPPER.createObjectNode();
        }
    }

    /**
     * A fresh one-use token for the corpus's WebSocket user. The cases log in many at once, more than the service
     * hashes passwords at a time: a 503 with Retry-After is asked again after it, as a client should, for a while.
     */
    String login() {
        try {
            HttpResponse<String> response;
            long giveUp = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            do {
                response = http.send(HttpRequest.newBuilder(URI.create(stack.stack.url(Service.API, 0)
                                + "/api/v1/sessions")).timeout(TIMEOUT).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(Json.obj("username", Json.str(WsCorpus.USER),
                                "password", Json.str(WS_PASSWORD)))).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 503 && System.nanoTime() < giveUp) {
                    Thread.sleep(Duration.ofSeconds(
                            Long.parseLong(response.headers().firstValue("Retry-After").orElse("1"))));
                }
            } while (response.statusCode() == 503 && System.nanoTime() < giveUp);
            if (response.statusCode() != 201) {
                throw new IllegalStateException("login as " + WsCorpus.USER + ": " + response.statusCode() + " "
                        + response.body());
            }
            return json(response.body()).path("token").asString();
        } catch (IOException e) {
            throw new IllegalStateException("login as " + WsCorpus.USER, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String abbreviate(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
}
