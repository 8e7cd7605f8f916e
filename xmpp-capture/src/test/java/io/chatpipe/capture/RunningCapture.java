package io.chatpipe.capture;

import io.chatpipe.events.Topics;
import io.chatpipe.testsupport.Ejabberd;
import io.chatpipe.testsupport.FreePorts;
import io.chatpipe.testsupport.KafkaBroker;
import io.chatpipe.testsupport.Postgres;
import io.chatpipe.testsupport.Prosody;
import io.chatpipe.testsupport.ServiceProcess;
import io.chatpipe.testsupport.TopicRecords;
import io.chatpipe.testsupport.XmppServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Capture as it runs in production, in a JVM of its own (so a test can kill it -9), reading the test JVM's
 * ejabberd's (or Prosody's) archive into the test JVM's broker; ready once its health says it captures.
 */
final class RunningCapture {

    /** Where each capture this class started answers its health. */
    private static final Map<ServiceProcess, Integer> PORTS = new java.util.concurrent.ConcurrentHashMap<>();

    private RunningCapture() {
    }

    /** Whether the capture reads the archive's slot now ({@code chatpipe_capture_reading} 1), or stands by (0). */
    static boolean reading(ServiceProcess capture) throws IOException, InterruptedException {
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + PORTS.get(capture) + "/actuator/prometheus")).build(), HttpResponse.BodyHandlers.ofString()).body();
        return metrics.lines().anyMatch(line -> line.startsWith("chatpipe_capture_reading ")
                && Double.parseDouble(line.substring(line.indexOf(' ') + 1)) == 1.0);
    }

    /** Capture of the test JVM's ejabberd. */
    static ServiceProcess start() throws IOException, InterruptedException {
        Ejabberd ejabberd = Ejabberd.shared();
        return start(ejabberd, ejabberd.archive(), "ejabberd");
    }

    /** Capture of the test JVM's Prosody, its position in an offsets topic of its own. */
    static ServiceProcess startOnProsody() throws IOException, InterruptedException {
        Prosody prosody = Prosody.shared();
        return start(prosody, prosody.archive(), "prosody",
                "--chatpipe.capture.offsets-topic=chat.capture.offsets.prosody");
    }

    private static ServiceProcess start(XmppServer server, Postgres archive, String serverName, String... more)
            throws IOException, InterruptedException {
        TopicRecords.create(Topics.MESSAGES, Topics.DELIVERIES, Topics.READS, Topics.USERS, Topics.ACCOUNTS);
        int port = FreePorts.pick();
        var output = Files.createTempFile("chatpipe-capture-", ".log");
        var args = new ArrayList<>(List.of(
                "--server.port=" + port,
                "--spring.kafka.bootstrap-servers=" + KafkaBroker.bootstrapServers(),
                "--chatpipe.capture.xmpp-domain=" + server.domain(),
                "--chatpipe.capture.archive.server=" + serverName,
                "--chatpipe.capture.archive.host=" + archive.host(),
                "--chatpipe.capture.archive.port=" + archive.port(),
                "--chatpipe.capture.archive.database=" + archive.database(),
                "--chatpipe.capture.archive.user=" + archive.captureUser(),
                "--chatpipe.capture.archive.publication=" + archive.publication()));
        args.addAll(List.of(more));
        var capture = ServiceProcess.start(CaptureApplication.class, output,
                Map.of("CHATPIPE_CAPTURE_ARCHIVE_PASSWORD", archive.capturePassword()), args.toArray(String[]::new));
        awaitHealthy(capture, port);
        PORTS.put(capture, port);
        return capture;
    }

    private static void awaitHealthy(ServiceProcess capture, int port) throws InterruptedException {
        var http = HttpClient.newHttpClient();
        var health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health")).build();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        while (Instant.now().isBefore(deadline) && capture.alive()) {
            try {
                if (http.send(health, HttpResponse.BodyHandlers.ofString()).body().contains("\"status\":\"UP\"")) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        capture.close();
        throw new AssertionError("capture did not become healthy; its output ends with: " + capture.outputTail());
    }
}
