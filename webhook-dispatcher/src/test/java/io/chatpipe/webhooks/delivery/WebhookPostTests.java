package io.chatpipe.webhooks.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.UserId;
import io.chatpipe.events.WebhookDelivery;
import io.chatpipe.events.WebhookEndpoint;
import io.chatpipe.events.WebhookEvent;
import io.chatpipe.events.WebhookEventType;
import io.chatpipe.webhooks.config.DispatcherProperties;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * What one request makes of endpoints that misbehave, each a real server on loopback: a redirect loop, a hang, an
 * endless answer, a dropped connection, nobody listening, and an address that is not allowed.
 */
class WebhookPostTests {

    private static final DispatcherProperties.Http HTTP = new DispatcherProperties.Http(Duration.ofSeconds(2),
            Duration.ofSeconds(1));
    private static final WebhookDelivery DELIVERY = WebhookDelivery.queued("we_test", WebhookEvent.of(
            MessageAccepted.captured(MessageId.random(), UserId.of("bob"), UserId.of("alice"), "hi", Instant.now(),
                    "bob@localhost/phone")));

    private final WebhookPost allowingLoopback = new WebhookPost(properties(true));

    @Test
    void aRedirectIsAFailureAndNotFollowed() throws Exception {
        try (var server = new Http(exchange -> {
            exchange.getResponseHeaders().set("Location", "/hook");
            respond(exchange, 302);
        })) {
            assertThat(allowingLoopback.send(endpoint(server.url()), DELIVERY, 1))
                    .isEqualTo("HTTP 302 (redirects are not followed)");
            assertThat(server.requests).isEqualTo(1);
        }
    }

    @Test
    void anEndpointThatNeverAnswersTimesOut() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket socket = silent.accept()) {
                    Thread.sleep(30_000);
                } catch (IOException | InterruptedException e) {
                    // the test is over
                }
            });
            assertThat(allowingLoopback.send(endpoint(URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/hook")),
                    DELIVERY, 1)).isEqualTo("no answer within 1 s");
        }
    }

    @Test
    void anEndlessAnswerIsNotReadAndCountsByItsStatus() throws Exception {
        try (var server = new Http(exchange -> {
            try {
                exchange.sendResponseHeaders(200, 0);
                OutputStream body = exchange.getResponseBody();
                byte[] chunk = new byte[64 * 1024];
                for (int i = 0; i < 16 * 1024; i++) {   // up to a gigabyte, unless the reader goes away first
                    body.write(chunk);
                }
                body.close();
            } catch (IOException e) {
                // the dispatcher hung up: what we expect
            }
        })) {
            assertThat(allowingLoopback.send(endpoint(server.url()), DELIVERY, 1)).isNull();
        }
    }

    @Test
    void aDroppedConnectionOrNobodyListeningIsAFailure() throws Exception {
        try (ServerSocket rude = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket socket = rude.accept()) {
                    socket.getInputStream().read();
                } catch (IOException e) {
                    // closed: the point
                }
            });
            assertThat(allowingLoopback.send(endpoint(URI.create("http://127.0.0.1:" + rude.getLocalPort() + "/hook")),
                    DELIVERY, 1)).startsWith("connection failed");
        }
        int closed;
        try (ServerSocket gone = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            closed = gone.getLocalPort();
        }
        assertThat(allowingLoopback.send(endpoint(URI.create("http://127.0.0.1:" + closed + "/hook")), DELIVERY, 1))
                .isEqualTo("connection refused");
    }

    @Test
    void aPrivateAddressIsRefusedBeforeAnyRequestUnlessAllowed() throws Exception {
        try (var server = new Http(exchange -> respond(exchange, 200))) {
            assertThat(new WebhookPost(properties(false)).send(endpoint(server.url()), DELIVERY, 1))
                    .startsWith("refused: the URL host 127.0.0.1 resolves to a loopback address");
            assertThat(server.requests).isZero();
            assertThat(allowingLoopback.send(endpoint(server.url()), DELIVERY, 1)).isNull();
            assertThat(server.requests).isEqualTo(1);
        }
    }

    private static DispatcherProperties properties(boolean allowPrivate) {
        return new DispatcherProperties(allowPrivate, HTTP, null, null, Duration.ofSeconds(1));
    }

    private static WebhookEndpoint endpoint(URI url) {
        return new WebhookEndpoint(1, "we_test", "test", url, "s".repeat(32), Set.of(WebhookEventType.MESSAGE_RECEIVED),
                Set.of(), false, Instant.now(), null);
    }

    private static void respond(HttpExchange exchange, int status) {
        try {
            exchange.sendResponseHeaders(status, -1);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        exchange.close();
    }

    /** A real HTTP server on loopback answering every request with {@code handler}, counting them. */
    private static final class Http implements AutoCloseable {

        private final HttpServer server;
        volatile int requests;

        Http(Consumer<HttpExchange> handler) throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/hook", exchange -> {
                requests++;
                exchange.getRequestBody().readAllBytes();
                handler.accept(exchange);
            });
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.start();
        }

        URI url() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
