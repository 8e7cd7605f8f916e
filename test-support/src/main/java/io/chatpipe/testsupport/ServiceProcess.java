package io.chatpipe.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A service in a JVM of its own, started as {@code java -cp <the test classpath> <main class> <arguments>},
 * so that {@link #kill()} is a real {@code kill -9}: no shutdown hook, no commit, no goodbye; {@link #stop()} is
 * the SIGTERM of an ordinary stop.
 */
public final class ServiceProcess implements AutoCloseable {

    private final Process process;

    private final Path output;

    private ServiceProcess(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    public static ServiceProcess start(Class<?> main, Path output, String... arguments) {
        return start(main, output, Map.of(), arguments);
    }

    /** With {@code environment} added to this JVM's: the way to pass a secret, which a command line shows to all. */
    public static ServiceProcess start(Class<?> main, Path output, Map<String, String> environment,
                                       String... arguments) {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command()
                        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()),
                "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"),
                main.getName()));
        command.addAll(List.of(arguments));
        try {
            var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
            builder.environment().putAll(environment);
            return new ServiceProcess(builder.start(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGKILL, and waits until the process is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM, as a service manager stops a service (it closes cleanly), and waits; SIGKILL after a minute. */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            kill();
        }
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** The end of what the process printed, for a failure's message. */
    public String outputTail() {
        try {
            String text = Files.readString(output);
            return text.substring(Math.max(0, text.length() - 3000));
        } catch (IOException e) {
            return "(cannot read " + output + ": " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
