package io.chatpipe.history;

import io.chatpipe.testsupport.KafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A history-service in a JVM of its own, started as {@code java -cp <the test classpath>
 * io.chatpipe.history.HistoryServiceApplication <arguments>} on the test broker, so that {@link #kill()} is a real
 * {@code kill -9} (no shutdown hook, no commit, no goodbye to the group) and {@link #stop()} a real SIGTERM.
 */
public final class HistoryProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final int port;
    private final long startedNanos;

    private HistoryProcess(Process process, int port, long startedNanos) {
        this.process = process;
        this.port = port;
        this.startedNanos = startedNanos;
    }

    /** Starts an instance of {@code applicationId} on {@code port} with its state in {@code stateDir}. */
    public static HistoryProcess start(String applicationId, Path stateDir, int port, Path output, String... more) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m",
                "-cp", System.getProperty("java.class.path"),
                HistoryServiceApplication.class.getName(),
                "--server.port=" + port,
                "--spring.kafka.bootstrap-servers=" + KafkaBroker.bootstrapServers(),
                "--chatpipe.history.streams.application-id=" + applicationId,
                "--chatpipe.history.streams.state-dir=" + stateDir));
        command.addAll(List.of(more));
        try {
            long started = System.nanoTime();
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile())).start();
            return new HistoryProcess(process, port, started);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** When the process was started, as {@link System#nanoTime()}. */
    public long startedNanos() {
        return startedNanos;
    }

    public boolean alive() {
        return process.isAlive();
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
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM (Spring closes the context: Kafka Streams commits and leaves its group), and waits for the exit. */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            kill();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
