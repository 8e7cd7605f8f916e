package io.chatpipe.bench.parts;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An integrator's webhook endpoint as light as one can be: a JDK HTTP server on loopback that answers every POST
 * 200 at once and keeps, per {@code Chatpipe-Event-Id}, when its first request arrived and its body. It checks
 * nothing (no signature), so that what is measured is the way to it, not its work.
 */
public final class WebhookReceiver implements AutoCloseable {

    /** The first request of one event id: when its headers were handled, and its body. */
    public record Arrival(String eventId, Instant at, String body) {
    }

    private final HttpServer server;
    private final Map<String, Arrival> arrivals = new ConcurrentHashMap<>();
    private final AtomicLong requests = new AtomicLong();

    private WebhookReceiver(HttpServer server) {
        this.server = server;
    }

    public static WebhookReceiver start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        var receiver = new WebhookReceiver(server);
        server.createContext("/hook", receiver::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        return receiver;
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
    }

    private void handle(HttpExchange exchange) throws IOException {
        Instant at = Instant.now();
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String id = exchange.getRequestHeaders().getFirst("Chatpipe-Event-Id");
            requests.incrementAndGet();
            if (id != null) {
                arrivals.putIfAbsent(id, new Arrival(id, at, body));
            }
            exchange.sendResponseHeaders(200, -1);
        }
    }

    /** Distinct event ids arrived since the last {@link #clear}. */
    public int events() {
        return arrivals.size();
    }

    /** Requests arrived since the last {@link #clear}, repeats of an event id included. */
    public long requests() {
        return requests.get();
    }

    public List<Arrival> arrivals() {
        return List.copyOf(arrivals.values());
    }

    public void clear() {
        arrivals.clear();
        requests.set(0);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
