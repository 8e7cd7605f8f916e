package io.chatpipe.capture;

import io.chatpipe.events.Topics;
import io.chatpipe.testsupport.Ejabberd;
import io.chatpipe.testsupport.FreePorts;
import io.chatpipe.testsupport.KafkaBroker;
import io.chatpipe.testsupport.ServiceProcess;
import io.chatpipe.testsupport.TopicRecords;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Capture as it runs in production, in a JVM of its own (so a test can kill it -9), reading the test JVM's
 * ejabberd's archive into the test JVM's broker; ready once its health says it captures.
 */
final class RunningCapture {

    private RunningCapture() {
    }

    static ServiceProcess start() throws IOException, InterruptedException {
        Ejabberd ejabberd = Ejabberd.shared();
        TopicRecords.create(Topics.MESSAGES, Topics.DELIVERIES, Topics.READS, Topics.USERS, Topics.ACCOUNTS);
        int port = FreePorts.pick();
        var output = Files.createTempFile("chatpipe-capture-", ".log");
        var capture = ServiceProcess.start(CaptureApplication.class, output,
                Map.of("CHATPIPE_CAPTURE_ARCHIVE_PASSWORD", ejabberd.archive().capturePassword()),
                "--server.port=" + port,
                "--spring.kafka.bootstrap-servers=" + KafkaBroker.bootstrapServers(),
                "--chatpipe.capture.xmpp-domain=" + ejabberd.domain(),
                "--chatpipe.capture.archive.host=" + ejabberd.archive().host(),
                "--chatpipe.capture.archive.port=" + ejabberd.archive().port(),
                "--chatpipe.capture.archive.database=" + ejabberd.archive().database(),
                "--chatpipe.capture.archive.user=" + ejabberd.archive().captureUser(),
                "--chatpipe.capture.archive.publication=" + ejabberd.archive().publication());
        awaitHealthy(capture, port);
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
