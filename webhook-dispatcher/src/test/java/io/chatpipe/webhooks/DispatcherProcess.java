package io.chatpipe.webhooks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The dispatcher in a JVM of its own, started with the test classpath, so that {@link #kill()} is a real
 * {@code kill -9}: no shutdown hook, no commit, no goodbye to the consumer groups.
 */
final class DispatcherProcess implements AutoCloseable {

    private final Process process;

    private DispatcherProcess(Process process) {
        this.process = process;
    }

    static DispatcherProcess start(Path output, String... arguments) {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()),
                "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"),
                WebhookDispatcherApplication.class.getName()));
        command.addAll(List.of(arguments));
        try {
            return new DispatcherProcess(new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile())).start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGKILL, and waits until the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
