package io.chatpipe.supervisor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One of the repository's stack/ control scripts, the ones ./chatpipe run uses, acting on one data directory. */
final class StackScript {

    private final Path script;
    private final Path dataDir;

    StackScript(Path root, String relativePath, Path dataDir) {
        this.script = root.resolve(relativePath);
        this.dataDir = dataDir;
    }

    /** Runs {@code script COMMAND DATA_DIR} with the environment, failing with what it said unless it exits 0. */
    void run(String command, Map<String, String> env) {
        String name = script.getFileName().toString();
        try {
            Path output = Files.createTempFile("chatpipe-" + name, ".out");
            var builder = new ProcessBuilder(List.of(script.toString(), command, dataDir.toString()))
                    .redirectErrorStream(true).redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(240, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(name + " " + command + " timed out");
            }
            String said = Files.readString(output, StandardCharsets.UTF_8);
            Files.deleteIfExists(output);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(name + " " + command + " failed (" + process.exitValue() + "): " + said);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Whether {@code script COMMAND DATA_DIR} exits 0 (e.g. {@code status}), whatever it says. */
    boolean succeeds(String command, Map<String, String> env) {
        try {
            var builder = new ProcessBuilder(List.of(script.toString(), command, dataDir.toString()))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(240, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return false;
            }
            return process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    Path dataDir() {
        return dataDir;
    }
}
