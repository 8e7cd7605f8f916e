package io.chatpipe.supervisor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The jars a stack runs, where the build leaves them: each module's target directory. */
public final class Jars {

    private Jars() {
    }

    /** The service's Spring Boot jar, {@code <module>-<version>-exec.jar}. */
    public static Path service(Path root, Service service) {
        return find(root.resolve(service.module()).resolve("target"), service.module() + "-", "-exec.jar");
    }

    /** A module's Spring Boot jar, {@code <module>-<version>-exec.jar}. */
    static Path exec(Path root, String module) {
        return find(root.resolve(module).resolve("target"), module + "-", "-exec.jar");
    }

    /** local-stack's thin launcher jar (its libraries in target/lib). */
    static Path kafka(Path root) {
        return find(root.resolve("local-stack").resolve("target"), "local-stack-", ".jar");
    }

    private static Path find(Path dir, String prefix, String suffix) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(file -> {
                        String name = file.getFileName().toString();
                        return name.startsWith(prefix) && name.endsWith(suffix)
                                && !name.endsWith("-sources.jar") && !name.endsWith("-tests.jar")
                                && (suffix.equals("-exec.jar") || !name.endsWith("-exec.jar"));
                    })
                    .max(Comparator.comparing(Jars::modified))
                    .orElseThrow(() -> new IllegalStateException("no " + prefix + "*" + suffix + " in " + dir
                            + ": build it first (./mvnw install -DskipTests)"));
        } catch (IOException e) {
            throw new IllegalStateException("no " + dir + ": build it first (./mvnw install -DskipTests)", e);
        }
    }

    private static long modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
}
