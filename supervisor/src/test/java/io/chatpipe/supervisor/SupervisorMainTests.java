package io.chatpipe.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.chatpipe.stack.StackScript;
import io.chatpipe.testsupport.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The supervisor's main as {@code ./chatpipe run} execs it, as its own process on free ports: it says the stack is
 * running only once history-service answers a query, and a SIGTERM stops every part, in order, before it exits.
 */
class SupervisorMainTests {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void saysRunningOnlyOnceHistoryAnswersAndStopsEveryPartInOrderOnSigterm() throws Exception {
        Path root = StackScript.repositoryRoot(Path.of(""));
        Path dataDir = Files.createDirectories(Path.of("target", "run-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")))).toAbsolutePath();
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (String name : List.of("KAFKA", "KAFKA_CONTROLLER", "KAFKA_CLUSTER", "XMPP_C2S", "XMPP_HTTP", "POSTGRES",
                "API", "HISTORY", "WORKER", "CAPTURE", "WEBHOOK")) {
            ports.put(name, FreePorts.pick());
        }
        Path output = dataDir.resolve("supervisor.out");
        var builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SupervisorMain.class.getName(), "run")
                .directory(root.toFile()).redirectErrorStream(true).redirectOutput(output.toFile());
        ports.forEach((name, port) -> builder.environment().put("CHATPIPE_" + name + "_PORT", port.toString()));
        builder.environment().put("CHATPIPE_DATA_DIR", dataDir.toString());
        // a machine shared with other builds: time enough to start, and to stop without a SIGKILL
        builder.environment().put("CHATPIPE_START_TIMEOUT", "600");
        builder.environment().put("CHATPIPE_STOP_TIMEOUT", "180");
        builder.environment().put("CHATPIPE_API_HEAP", "384m");
        Process supervisor = builder.start();
        try {
            long deadline = System.nanoTime() + Duration.ofMinutes(20).toNanos();
            while (!read(output).contains("chatpipe is running")) {
                if (!supervisor.isAlive() || System.nanoTime() > deadline) {
                    fail("the stack did not come up; the supervisor said:\n" + read(output));
                }
                Thread.sleep(500);
            }
            String apiKey = Files.readString(dataDir.resolve("secrets/api-key")).strip();
            assertThat(read(output)).contains("API key for applications (kept in " + dataDir + "/secrets/api-key): " + apiKey);
            assertThat(status("http://127.0.0.1:" + ports.get("HISTORY") + "/api/v1/conversations/alice/bob/messages",
                    apiKey)).isEqualTo(200);
            for (String service : List.of("API", "WORKER", "CAPTURE", "WEBHOOK")) {
                assertThat(status("http://127.0.0.1:" + ports.get(service) + "/actuator/health", null))
                        .as(service + " health").isEqualTo(200);
            }

            supervisor.destroy();   // SIGTERM, as a service manager stops it
            assertThat(supervisor.waitFor(10, TimeUnit.MINUTES)).as("the supervisor exits").isTrue();
        } finally {
            supervisor.destroyForcibly();
        }

        String said = read(output);
        assertThat(supervisor.exitValue()).as(said).isEqualTo(143);
        List<String> stops = said.lines().filter(line -> line.startsWith("Stopping ")).toList();
        assertThat(stops.stream().map(line -> line.substring("Stopping ".length()).split("\\.| stopped| killed")[0]))
                .as(said).containsExactly("webhook-dispatcher", "xmpp-delivery-worker", "xmpp-capture",
                        "api-service", "history-service", "ejabberd", "PostgreSQL", "Kafka broker");
        assertThat(stops).as("no part had to be killed").noneMatch(line -> line.contains("killed"));
        assertThat(ports.entrySet()).as("nothing listens any more")
                .noneMatch(port -> !port.getKey().equals("KAFKA_CLUSTER") && FreePorts.listening(port.getValue()));
    }

    private static int status(String url, String key) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }
}
