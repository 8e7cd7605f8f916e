package io.chatpipe.supervisor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
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

    /**
     * The JVM options and jar that start {@code jar}, for every stack started here (run, bench, chaos, the tests): when the build
     * left a JVM AOT cache beside the jar's extracted form ({@code target/aot/<jar name>} and {@code .aot}, made by
     * {@code ./mvnw -Dchatpipe.aot-cache}) that is not older than the jar, the extracted jar with that cache, so that
     * the JVM starts with the classes of Spring's startup already parsed and linked; otherwise the jar alone. A cache
     * the JVM cannot use (another JDK, a changed library, a damaged file) it ignores with a warning, and starts without.
     */
    public static List<String> launch(Path jar) {
        Path extracted = jar.resolveSibling("aot").resolve(jar.getFileName());
        String name = jar.getFileName().toString();
        Path cache = extracted.resolveSibling(name.substring(0, name.length() - ".jar".length()) + ".aot");
        if (Files.isRegularFile(jar) && Files.isRegularFile(extracted) && Files.isRegularFile(cache)
                && modified(cache) >= modified(jar)) {
            return List.of("-XX:AOTCache=" + cache.toAbsolutePath(), "-jar", extracted.toAbsolutePath().toString());
        }
        return List.of("-jar", jar.toString());
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
}
