package io.chatpipe.reliability.corpus;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;

/**
 * Clients that send half a request and stall. The server must not wait for them forever: each gets a 4xx or
 * its connection closed within {@link #BOUND}, and other clients are served meanwhile.
 */
final class SlowClients {

    static final Duration BOUND = Duration.ofSeconds(150);

    /** What each stalled request got, by name, once all are settled. */
    private final Map<String, CompletableFuture<RawHttp.Response>> outcomes = new LinkedHashMap<>();

    /** Opens the stalled requests now; they settle in the background. */
    static SlowClients start(int apiPort, int historyPort, String authorization, String marker) {
        var clients = new SlowClients();
        String body = Json.obj(Json.message(RestCorpus.SENDER, RestCorpus.RECIPIENT, marker + " slow", marker));
        String half = body.substring(0, body.length() / 2);
        String auth = "Authorization: " + authorization + "\r\n";
        clients.stall("half a message body, then nothing", apiPort, "POST " + RestCorpus.SINGLE + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\nContent-Type: application/json\r\n" + auth
                + "Content-Length: " + body.length() + "\r\n\r\n" + half);
        clients.stall("half a batch body, then nothing", apiPort, "POST " + RestCorpus.BATCH + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\nContent-Type: application/json\r\n" + auth
                + "Content-Length: 500\r\n\r\n{\"messages\":[" + half);
        clients.stall("half a chunk, then nothing", apiPort, "POST " + RestCorpus.SINGLE + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\nContent-Type: application/json\r\n" + auth
                + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(body.length()) + "\r\n" + half);
        clients.stall("headers never finished", apiPort, "POST " + RestCorpus.SINGLE + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\nContent-Type: appl");
        clients.stall("half a login body, then nothing", apiPort, "POST " + RestCorpus.SESSIONS + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 80\r\n\r\n{\"username\":\"cor");
        clients.stall("history query headers never finished", historyPort,
                "GET /api/v1/conversations/corpus-a/corpus-b/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
        return clients;
    }

    private void stall(String name, int port, String partial) {
        outcomes.put(name, CompletableFuture.supplyAsync(() -> {
            try (var socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                socket.setSoTimeout((int) BOUND.toMillis());
                socket.getOutputStream().write(partial.getBytes(StandardCharsets.UTF_8));
                socket.getOutputStream().flush();
                return RawHttp.read(socket.getInputStream(), BOUND);
            } catch (IOException e) {
                return new RawHttp.Response(0, Map.of(), "", e.toString());
            }
        }, Executors.newVirtualThreadPerTaskExecutor()));
    }

    Map<String, RawHttp.Response> await() {
        Map<String, RawHttp.Response> settled = new LinkedHashMap<>();
        outcomes.forEach((name, future) -> settled.put(name, future.join()));
        return settled;
    }
}
