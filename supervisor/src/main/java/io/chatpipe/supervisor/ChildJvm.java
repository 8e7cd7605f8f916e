package io.chatpipe.supervisor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A JVM started from a jar, its output appended to a log file. {@link #kill()} is a real {@code kill -9}
 * ({@link Process#destroyForcibly()}); {@link #stop()} a SIGTERM, then SIGKILL if it takes too long.
 */
public final class ChildJvm {

    private static final long EXIT_WAIT_SECONDS = 60;

    private final String name;
    private final List<String> command;
    private final Path log;
    private Process process;

    /** Asked at each start: a secret may exist only once the part that makes it has started. */
    private final Supplier<Map<String, String>> environment;

    public ChildJvm(String name, Path jar, List<String> jvmOptions, List<String> args, Path log,
            Supplier<Map<String, String>> environment) {
        this.name = name;
        this.environment = environment;
        this.log = log;
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(args);
        this.command = List.copyOf(command);
    }

    /**
     * A process of this command as given: e.g. {@code setsid java ...}, a JVM in a session of its own, which a
     * terminal's Ctrl-C does not reach, so that its supervisor stops the parts in order.
     */
    public ChildJvm(String name, List<String> command, Path log, Supplier<Map<String, String>> environment) {
        this.name = name;
        this.environment = environment;
        this.log = log;
        this.command = List.copyOf(command);
    }

    public synchronized void start() {
        if (isAlive()) {
            throw new IllegalStateException(name + " is running already");
        }
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, "\n=== " + name + " started at " + LocalDateTime.now() + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            var builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.environment().putAll(environment.get());
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** kill -9, and waits until the process is gone. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            awaitExit(EXIT_WAIT_SECONDS);
        }
    }

    /** SIGTERM; SIGKILL after a minute. */
    public synchronized void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!awaitExit(EXIT_WAIT_SECONDS)) {
                process.destroyForcibly();
                awaitExit(EXIT_WAIT_SECONDS);
            }
        }
    }

    private boolean awaitExit(long seconds) {
        try {
            return process.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    String name() {
        return name;
    }

    Path log() {
        return log;
    }

    /** The last lines of the log, for an error message. */
    String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** The running (or exited) process, to signal and wait for as a supervisor's own stop order asks. */
    public synchronized java.util.Optional<ProcessHandle> handle() {
        return process == null ? java.util.Optional.empty() : java.util.Optional.of(process.toHandle());
    }

    /** How long the log is now: where to read what a start writes from. */
    long logSize() {
        try {
            return Files.exists(log) ? Files.size(log) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** What the log holds from {@code offset} on. */
    String logFrom(long offset) {
        try {
            byte[] bytes = Files.readAllBytes(log);
            return new String(bytes, (int) Math.min(offset, bytes.length), (int) Math.max(0, bytes.length - offset),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
