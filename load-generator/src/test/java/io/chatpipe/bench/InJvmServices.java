package io.chatpipe.bench;

import io.chatpipe.bench.scenario.Services;
import io.chatpipe.capture.CaptureApplication;
import io.chatpipe.events.Topics;
import io.chatpipe.history.HistoryServiceApplication;
import io.chatpipe.testsupport.Postgres;
import io.chatpipe.testsupport.ServiceProcess;
import io.chatpipe.testsupport.TopicRecords;
import io.chatpipe.webhooks.WebhookDispatcherApplication;
import io.chatpipe.worker.DeliveryWorkerApplication;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The worker, history-service and the webhook-dispatcher as the smoke test runs them: Spring applications in this
 * JVM; and capture, as {@code ./chatpipe bench} runs it, in a JVM of its own (its change data capture engine keeps
 * threads and a replication connection of its own).
 */
final class InJvmServices implements Services, AutoCloseable {

    private final String kafka;
    private final String xmppDomain;
    private final String ejabberdApi;
    private final int historyPort;
    private final int workerPort;
    private final Path historyState;
    private ConfigurableApplicationContext worker;
    private Confirmation workerConfirmation;
    private ServiceProcess capture;
    private ConfigurableApplicationContext history;
    private ConfigurableApplicationContext webhooks;

    InJvmServices(String kafka, String xmppDomain, String ejabberdApi, int historyPort, int workerPort,
                  Path historyState) {
        this.kafka = kafka;
        this.xmppDomain = xmppDomain;
        this.ejabberdApi = ejabberdApi;
        this.historyPort = historyPort;
        this.workerPort = workerPort;
        this.historyState = historyState;
    }

    @Override
    public synchronized void startHistory(boolean rebuild) {
        history = HistoryServiceApplication.application().run("--server.port=" + historyPort,
                "--spring.kafka.bootstrap-servers=" + kafka, "--chatpipe.history.streams.state-dir=" + historyState,
                "--chatpipe.history.streams.rebuild=" + rebuild);
    }

    @Override
    public synchronized void startWorker(Confirmation confirmBy) {
        if (worker != null && workerConfirmation != confirmBy) {
            stopWorker();
        }
        if (worker == null) {
            worker = DeliveryWorkerApplication.application().run("--server.port=" + workerPort,
                    "--spring.kafka.bootstrap-servers=" + kafka, "--chatpipe.worker.xmpp-domain=" + xmppDomain,
                    "--chatpipe.worker.ejabberd.api-url=" + ejabberdApi,
                    "--chatpipe.worker.ejabberd.confirm-by=" + confirmBy.value());
            workerConfirmation = confirmBy;
        }
    }

    @Override
    public synchronized void stopWorker() {
        if (worker != null) {
            worker.close();
            worker = null;
        }
    }

    @Override
    public synchronized void stopHistory() {
        if (history != null) {
            history.close();
            history = null;
        }
    }

    @Override
    public synchronized void startWebhookDispatcher() {
        webhooks = WebhookDispatcherApplication.application().run("--server.port=0",
                "--spring.kafka.bootstrap-servers=" + kafka, "--chatpipe.webhooks.allow-private-endpoints=true");
    }

    @Override
    public synchronized void stopWebhookDispatcher() {
        if (webhooks != null) {
            webhooks.close();
            webhooks = null;
        }
    }

    /** history-service runs in this JVM, which cannot kill -9 a part of itself. */
    @Override
    public void killHistory() {
        throw new UnsupportedOperationException("a kill -9 of history-service needs ./chatpipe bench");
    }

    /** Starts capture on {@code port}, reading {@code archive}; returns once its health is UP. */
    synchronized void startCapture(int port, Postgres archive, Path output) throws Exception {
        TopicRecords.create(Topics.MESSAGES, Topics.DELIVERIES, Topics.READS, Topics.USERS, Topics.ACCOUNTS);
        capture = ServiceProcess.start(CaptureApplication.class, output,
                Map.of("CHATPIPE_CAPTURE_ARCHIVE_PASSWORD", archive.capturePassword()),
                "--server.port=" + port, "--spring.kafka.bootstrap-servers=" + kafka,
                "--chatpipe.capture.xmpp-domain=" + xmppDomain,
                "--chatpipe.capture.archive.host=" + archive.host(),
                "--chatpipe.capture.archive.port=" + archive.port(),
                "--chatpipe.capture.archive.database=" + archive.database(),
                "--chatpipe.capture.archive.user=" + archive.captureUser(),
                "--chatpipe.capture.archive.publication=" + archive.publication());
        var http = HttpClient.newHttpClient();
        var health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health")).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline && capture.alive()) {
            try {
                if (http.send(health, HttpResponse.BodyHandlers.ofString()).body().contains("\"status\":\"UP\"")) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("capture did not become healthy; its output ends with: "
                + capture.outputTail());
    }

    /** The test runs the api-service in this JVM. */
    @Override
    public Optional<ProcessHandle> apiService() {
        return Optional.of(ProcessHandle.current());
    }

    @Override
    public synchronized void close() {
        stopWorker();
        stopHistory();
        stopWebhookDispatcher();
        if (capture != null) {
            try {
                capture.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
