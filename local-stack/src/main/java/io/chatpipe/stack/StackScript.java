package io.chatpipe.stack;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One of the repository's stack/ control scripts (PostgreSQL, ejabberd, Prosody), run the same way by
 * {@code ./chatpipe run}'s supervisor and by the tests that start those servers.
 */
public final class StackScript {

    private final Path script;

    public StackScript(Path root, String relativePath) {
        this.script = root.resolve(relativePath);
    }

    /** The repository's root: the directory above {@code from} that holds stack/ejabberd/ejabberd-local. */
    public static Path repositoryRoot(Path from) {
        for (Path dir = from.toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("stack/ejabberd/ejabberd-local"))) {
                return dir;
            }
        }
        throw new IllegalStateException("not inside the chatpipe repository: " + from.toAbsolutePath());
    }

    /** Runs the script with these arguments and environment, failing with what it said unless it exits 0 in time. */
    public void run(Map<String, String> env, Duration timeout, String... args) {
        String command = script.getFileName() + " " + String.join(" ", args);
        try {
            Path output = Files.createTempFile("chatpipe-" + script.getFileName(), ".out");
            Process process = start(env, args, ProcessBuilder.Redirect.to(output.toFile()));
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(command + " timed out after " + timeout.toSeconds() + " s");
            }
            String said = Files.readString(output, StandardCharsets.UTF_8);
            Files.deleteIfExists(output);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(command + " failed (" + process.exitValue() + "): " + said);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Whether the script with these arguments exits 0 in time (e.g. {@code status}), whatever it says. */
    public boolean succeeds(Map<String, String> env, Duration timeout, String... args) {
        try {
            Process process = start(env, args, ProcessBuilder.Redirect.DISCARD);
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
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

    private Process start(Map<String, String> env, String[] args, ProcessBuilder.Redirect output) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(script.toString());
        command.addAll(List.of(args));
        var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().putAll(env);
        return builder.start();
    }
}
