package io.chatpipe.bench.baseline;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@link NoOpApiApplication} in a JVM of its own, on this load generator's class path, on a free loopback port:
 * started for the ingestion baseline with the api-service's JVM options, stopped after it, so that it never shares
 * a JVM (its heap, its JIT) with the api-service or the load generator.
 */
public final class NoOpApi implements AutoCloseable {

    /** Its message endpoint. */
    public static final String PATH = NoOpMessageController.PATH;

    private static final Duration START = Duration.ofMinutes(3);

    private final Process process;
    private final URI base;
    private final Path output;

    private NoOpApi(Process process, URI base, Path output) {
        this.process = process;
        this.base = base;
        this.output = output;
    }

    /**
     * Starts it and returns once its health is UP.
     *
     * @param jvmOptions the api-service's: its heap and GC settings
     * @param output     where its log goes
     */
    public static NoOpApi start(List<String> jvmOptions, Path output) throws IOException, InterruptedException {
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add(NoOpApiApplication.class.getName());
        command.add("--server.port=" + port);
        Files.createDirectories(output.toAbsolutePath().getParent());
        var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().put("CLASSPATH", System.getProperty("java.class.path"));
        var api = new NoOpApi(builder.start(), URI.create("http://127.0.0.1:" + port), output);
        try {
            api.awaitUp();
        } catch (IOException | InterruptedException | RuntimeException e) {
            api.close();
            throw e;
        }
        return api;
    }

    /** Its process, whose CPU time the bench reads. */
    public ProcessHandle process() {
        return process.toHandle();
    }

    public URI uri(String path) {
        return base.resolve(path);
    }

    private void awaitUp() throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            var health = HttpRequest.newBuilder(uri("/actuator/health")).timeout(Duration.ofSeconds(2)).build();
            long deadline = System.nanoTime() + START.toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IOException("the no-op API stopped as it started; the end of " + output + ":\n" + tail());
                }
                try {
                    if (http.send(health, HttpResponse.BodyHandlers.ofString()).body().contains("\"status\":\"UP\"")) {
                        return;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                Thread.sleep(250);
            }
        }
        throw new IOException("the no-op API was not up within " + START + "; the end of " + output + ":\n" + tail());
    }

    /** Stops it as a service is stopped (SIGTERM), and kills it when that takes more than half a minute. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private String tail() throws IOException {
        String log = new String(Files.readAllBytes(output), StandardCharsets.UTF_8);
        return log.length() <= 3000 ? log : log.substring(log.length() - 3000);
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
