package io.chatpipe.history;

import io.chatpipe.testsupport.KafkaBroker;
import io.chatpipe.testsupport.ServiceProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A history-service in a JVM of its own ({@link ServiceProcess}) on the test broker, so that {@link #kill()} is a
 * real {@code kill -9} (no shutdown hook, no commit, no goodbye to the group) and {@link #stop()} a real SIGTERM;
 * and an HTTP client for it that tells when nothing listens yet.
 */
public final class HistoryProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final ServiceProcess process;
    private final int port;
    private final long startedNanos;

    private HistoryProcess(ServiceProcess process, int port, long startedNanos) {
        this.process = process;
        this.port = port;
        this.startedNanos = startedNanos;
    }

    /** Starts an instance of {@code applicationId} on {@code port} with its state in {@code stateDir}. */
    public static HistoryProcess start(String applicationId, Path stateDir, int port, Path output, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "--server.port=" + port,
                "--spring.kafka.bootstrap-servers=" + KafkaBroker.bootstrapServers(),
                "--chatpipe.history.streams.application-id=" + applicationId,
                "--chatpipe.history.streams.state-dir=" + stateDir));
        args.addAll(List.of(more));
        long started = System.nanoTime();
        return new HistoryProcess(ServiceProcess.start(HistoryServiceApplication.class, output,
                args.toArray(String[]::new)), port, started);
    }

    /** When the process was started, as {@link System#nanoTime()}. */
    public long startedNanos() {
        return startedNanos;
    }

    public boolean alive() {
        return process.alive();
    }

    /** The status and body of a GET, or status 0 while nothing answers on the port. */
    public HistoryInstance.Answer get(String path) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return new HistoryInstance.Answer(response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(""),
                    response.headers().firstValue("Retry-After").orElse(null), response.body(), List.of());
        } catch (IOException e) {
            return new HistoryInstance.Answer(0, "", null, "", List.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGKILL, and waits until the process is gone. */
    public void kill() throws InterruptedException {
        process.kill();
    }

    /** SIGTERM (Spring closes the context: Kafka Streams commits and leaves its group), and waits for the exit. */
    public void stop() throws InterruptedException {
        process.stop();
    }

    @Override
    public void close() throws InterruptedException {
        process.close();
    }
}
