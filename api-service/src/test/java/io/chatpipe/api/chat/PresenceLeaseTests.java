package io.chatpipe.api.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.api.ApiServiceApplication;
import io.chatpipe.api.Http;
import io.chatpipe.events.UserId;
import io.chatpipe.testsupport.FreePorts;
import io.chatpipe.testsupport.KafkaBroker;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Presence is a lease: an api-service instance killed with SIGKILL (a process of its own, which cannot say that
 * its users went offline) leaves no user online for ever. Its users' contacts on another instance see them go
 * offline (PRESENCE) within the lease, while users of live instances stay online through the heartbeats.
 */
class PresenceLeaseTests {

    /** Short, and five heartbeats long, so that a machine busy for a moment ends no live presence. */
    static final String[] LEASE = {"--chatpipe.api.chat.presence-heartbeat=1s",
            "--chatpipe.api.chat.presence-lease=5s"};

    @Test
    void aUserOfAKilledInstanceGoesOfflineOnTheOthersWithinTheLease() throws Exception {
        String erin = ChatService.user("erin");
        String frank = ChatService.user("frank");
        try (ChatService survivor = ChatService.start(LEASE);
             ChatClient erinOnSurvivor = survivor.join(erin, "pw")) {
            erinOnSurvivor.send(Map.of("to", frank, "messageType", "ADD_CONTACT"));
            erinOnSurvivor.next("ADD_CONTACT");
            int port = FreePorts.pick();
            Process doomed = startProcess(port);
            try {
                awaitHealthy(port, doomed);
                ChatClient frankOnDoomed = join(port, frank);
                JsonNode online = erinOnSurvivor.next("PRESENCE", frank);
                assertThat(online.path("to").asString()).isEqualTo(erin);
                assertThat(online.path("content").asString()).isEqualTo("online");

                doomed.destroyForcibly();   // SIGKILL: no shutdown hook, no offline said
                assertThat(doomed.waitFor(60, TimeUnit.SECONDS)).isTrue();

                JsonNode left = erinOnSurvivor.next("PRESENCE", frank);
                assertThat(left.path("to").asString()).isEqualTo(erin);
                assertThat(left.path("content").asString()).isEqualTo("offline");
                PresenceBook presence = survivor.context().getBean(PresenceBook.class);
                assertThat(presence.isOnline(UserId.of(frank))).isFalse();
                assertThat(presence.isOnline(UserId.of(erin)))
                        .as("erin's own instance kept saying she is online, well past a lease").isTrue();
                frankOnDoomed.close();
            } finally {
                doomed.destroyForcibly();
            }
        }
    }

    /** The api-service in a JVM of its own, on the test's classpath, with the short lease. */
    private static Process startProcess(int port) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path log = Files.createDirectories(Path.of("target")).resolve("presence-lease-instance.log");
        var command = new java.util.ArrayList<>(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                ApiServiceApplication.class.getName(), "--server.port=" + port,
                "--spring.kafka.bootstrap-servers=" + KafkaBroker.bootstrapServers(),
                "--chatpipe.api.history.url=http://127.0.0.1:9"));
        command.addAll(List.of(LEASE));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
    }

    private static void awaitHealthy(int port, Process process) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();   // a bound on a hang
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                var response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/actuator/health")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the second api-service did not start; see target/presence-lease-instance.log");
    }

    private static ChatClient join(int port, String user) {
        Http http = Http.to(port);
        var session = http.postJson("/api/v1/sessions", "{\"username\": \"" + user + "\", \"password\": \"pw\"}");
        assertThat(session.statusCode()).as(session.body()).isEqualTo(201);
        ChatClient client = ChatClient.open(URI.create("ws://127.0.0.1:" + port
                + Http.json(session).path("webSocket").asString()));
        assertThat(client.next().path("messageType").asString()).isEqualTo("JOIN_SUCCESS");
        return client;
    }
}
