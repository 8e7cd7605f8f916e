package io.chatpipe.worker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The delivery worker in a JVM of its own, started as {@code java -cp <the test classpath>
 * io.chatpipe.worker.DeliveryWorkerApplication <arguments>}, so that {@link #kill()} is a real
 * {@code kill -9}: no shutdown hook, no commit, no goodbye to the consumer group.
 */
final class WorkerProcess implements AutoCloseable {

    private final Process process;

    private WorkerProcess(Process process) {
        this.process = process;
    }

    static WorkerProcess start(Path output, String... arguments) {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()),
                "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"),
                DeliveryWorkerApplication.class.getName()));
        command.addAll(List.of(arguments));
        try {
            return new WorkerProcess(new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGKILL, and waits until the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    boolean alive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
