package io.chatpipe.webhooks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.chatpipe.events.ChatJson;
import io.chatpipe.events.WebhookSignature;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.core.type.TypeReference;

/**
 * An integrator's webhook endpoint, as an integrator would write one: a real HTTP server on loopback that keeps
 * every request it got and answers with the status the test sets (200 unless told otherwise).
 */
final class Receiver implements AutoCloseable {

    /** One request as it arrived. */
    record Request(String eventId, int attempt, String signature, String body, int answered) {

        Map<String, Object> json() {
            return ChatJson.MAPPER.readValue(body, new TypeReference<>() { });
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> data() {
            return (Map<String, Object>) json().get("data");
        }

        /** Stripe's check: recompute the HMAC of "t.body" and compare in constant time. */
        boolean verifies(String secret) {
            String t = null;
            String v1 = null;
            for (String part : signature.split(",")) {
                if (part.startsWith("t=")) {
                    t = part.substring(2);
                } else if (part.startsWith("v1=")) {
                    v1 = part.substring(3);
                }
            }
            if (t == null || v1 == null) {
                return false;
            }
            String expected = WebhookSignature.hmac(secret, t + "." + body);
            return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                    v1.getBytes(StandardCharsets.US_ASCII));
        }
    }

    final AtomicInteger status = new AtomicInteger(200);
    /** How long each answer takes, in milliseconds: a slow integrator. */
    final AtomicInteger delayMillis = new AtomicInteger(0);
    private final List<Request> requests = new ArrayList<>();
    private final HttpServer server;

    Receiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", this::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        int answer = status.get();
        try {
            Thread.sleep(delayMillis.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (requests) {
            requests.add(new Request(exchange.getRequestHeaders().getFirst("Chatpipe-Event-Id"),
                    Integer.parseInt(exchange.getRequestHeaders().getFirst("Chatpipe-Attempt")),
                    exchange.getRequestHeaders().getFirst("Chatpipe-Signature"), body, answer));
        }
        exchange.sendResponseHeaders(answer, -1);
        exchange.close();
    }

    List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** The requests answered 2xx. */
    List<Request> accepted() {
        return requests().stream().filter(request -> request.answered() / 100 == 2).toList();
    }

    /** The ids of the accepted requests, each once, in the order first accepted: what a de-duplicating integrator keeps. */
    List<String> acceptedIdsOnce() {
        return List.copyOf(new LinkedHashSet<>(accepted().stream().map(Request::eventId).toList()));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
