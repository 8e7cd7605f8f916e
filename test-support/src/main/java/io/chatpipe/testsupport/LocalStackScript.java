package io.chatpipe.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs one of the repository's stack/ control scripts, the same ones ./chatpipe run uses. */
final class LocalStackScript {

    private final Path script;

    LocalStackScript(String relativePath) {
        this.script = repositoryRoot().resolve(relativePath);
    }

    void run(Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>();
        command.add(script.toString());
        command.addAll(List.of(args));
        try {
            Path output = Files.createTempFile("chatpipe-stack", ".out");
            var builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).redirectInput(new java.io.File("/dev/null"));
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(script + " " + String.join(" ", args) + " timed out");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(script.getFileName() + " " + String.join(" ", args)
                        + " failed (" + process.exitValue() + "): " + Files.readString(output, StandardCharsets.UTF_8));
            }
            Files.deleteIfExists(output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("stack/ejabberd/ejabberd-local"))) {
                return dir;
            }
        }
        throw new IllegalStateException("not inside the chatpipe repository: " + Path.of("").toAbsolutePath());
    }
}
