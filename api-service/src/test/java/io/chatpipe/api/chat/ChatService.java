package io.chatpipe.api.chat;

import io.chatpipe.api.ApiServiceApplication;
import io.chatpipe.api.Http;
import io.chatpipe.testsupport.KafkaBroker;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** One api-service instance on the shared test broker, and the ways to reach its chat. */
record ChatService(ConfigurableApplicationContext context, int port, Http http) implements AutoCloseable {

    /** Starts an instance; history points at a port where nothing listens, so history is unavailable. */
    static ChatService start(String... settings) {
        List<String> args = new ArrayList<>(List.of("--server.port=0",
                "--spring.kafka.bootstrap-servers=" + KafkaBroker.bootstrapServers(),
                "--chatpipe.api.history.url=http://127.0.0.1:9"));
        args.addAll(List.of(settings));
        ConfigurableApplicationContext context = ApiServiceApplication.application().run(args.toArray(String[]::new));
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        return new ChatService(context, port, Http.to(port));
    }

    /** A user id no other test uses: accounts and contacts outlive a test in the shared broker. */
    static String user(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + port + path);
    }

    /** Seed 003's endpoint, with the password in the path. */
    URI legacy(String username, String password) {
        return uri("/chat/" + encode(username) + "/" + encode(password));
    }

    String origin() {
        return "http://127.0.0.1:" + port;
    }

    /** Logs in over REST and opens a WebSocket with the token; the JOIN_SUCCESS is taken. */
    ChatClient join(String username, String password) {
        var response = http.postJson("/api/v1/sessions",
                "{\"username\": \"" + username + "\", \"password\": \"" + password + "\"}");
        if (response.statusCode() != 201) {
            throw new AssertionError("login of " + username + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        ChatClient client = ChatClient.open(uri(Http.json(response).path("webSocket").asString()), origin());
        var joined = client.next();
        if (!"JOIN_SUCCESS".equals(joined.path("messageType").asString())) {
            throw new AssertionError("expected JOIN_SUCCESS, got " + joined);
        }
        return client;
    }

    private static String encode(String part) {
        return URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public void close() {
        context.close();
    }
}
