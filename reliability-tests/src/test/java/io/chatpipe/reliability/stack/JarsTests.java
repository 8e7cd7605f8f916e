package io.chatpipe.reliability.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatpipe.stack.StackScript;
import io.chatpipe.supervisor.ChildJvm;
import io.chatpipe.supervisor.Jars;
import io.chatpipe.supervisor.Service;
import io.chatpipe.testsupport.FreePorts;
import io.chatpipe.testsupport.KafkaBroker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a service is launched with the JVM AOT cache the build may leave beside its extracted jar: the cache only
 * while it is not older than the exec jar, and a service whose cache the JVM cannot use still starts and answers.
 */
class JarsTests {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dir;

    @Test
    void launchesTheExecJarAloneWhenTheBuildMadeNoCache() throws Exception {
        Path jar = Files.writeString(dir.resolve("some-service-exec.jar"), "jar");

        assertThat(Jars.launch(jar)).containsExactly("-jar", jar.toString());
    }

    @Test
    void launchesTheExtractedJarWithItsCacheWhenTheCacheIsNotOlderThanTheExecJar() throws Exception {
        Path jar = Files.writeString(dir.resolve("some-service-exec.jar"), "jar");
        Path extracted = Files.writeString(Files.createDirectories(dir.resolve("aot")).resolve(jar.getFileName()), "x");
        Path cache = Files.writeString(dir.resolve("aot/some-service-exec.aot"), "cache");
        Files.setLastModifiedTime(cache, Files.getLastModifiedTime(jar));

        assertThat(Jars.launch(jar)).containsExactly("-XX:AOTCache=" + cache.toAbsolutePath(), "-jar",
                extracted.toAbsolutePath().toString());
    }

    @Test
    void launchesTheExecJarAloneWhenItWasBuiltAgainAfterTheCache() throws Exception {
        Path jar = Files.writeString(dir.resolve("some-service-exec.jar"), "jar");
        Files.writeString(Files.createDirectories(dir.resolve("aot")).resolve(jar.getFileName()), "x");
        Path cache = Files.writeString(dir.resolve("aot/some-service-exec.aot"), "cache");
        Files.setLastModifiedTime(cache, FileTime.from(Instant.now().minusSeconds(60)));

        assertThat(Jars.launch(jar)).containsExactly("-jar", jar.toString());
    }

    /** A cache the JVM cannot read (damaged, or made by another JDK) costs the speed-up, never the start. */
    @Test
    void historyServiceStartsAndAnswersWhenItsCacheIsDamaged() throws Exception {
        Path built = Jars.service(StackScript.repositoryRoot(Path.of("")), Service.HISTORY);
        Path jar = Files.createSymbolicLink(dir.resolve(built.getFileName()), built.toAbsolutePath());
        extract(built, dir.resolve("aot"));
        String name = built.getFileName().toString();
        Path cache = dir.resolve("aot").resolve(name.substring(0, name.length() - ".jar".length()) + ".aot");
        Files.write(cache, "not an AOT cache".repeat(1000).getBytes(StandardCharsets.UTF_8));
        assertThat(Jars.launch(jar)).first().isEqualTo("-XX:AOTCache=" + cache.toAbsolutePath());

        int port = FreePorts.pick();
        Path log = dir.resolve("history-service.log");
        var history = new ChildJvm("history-service", jar, List.of("-Xmx384m", "--sun-misc-unsafe-memory-access=allow"),
                List.of("--server.port=" + port, "--spring.kafka.bootstrap-servers=" + KafkaBroker.bootstrapServers(),
                        "--chatpipe.history.streams.application-id=jars-tests-" + port,
                        "--chatpipe.history.streams.state-dir=" + dir.resolve("state")),
                log, Map::of);
        history.start();
        try {
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                    .until(() -> status("http://127.0.0.1:" + port + "/api/v1/conversations/a/b/messages") == 200);
        } finally {
            history.stop();
        }
        assertThat(Files.readString(log)).contains("AOT cache");   // the JVM said it could not use it
    }

    private static void extract(Path jar, Path destination) throws Exception {
        Process extract = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djarmode=tools", "-jar", jar.toString(), "extract", "--destination", destination.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(extract.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(extract.exitValue()).isZero();
    }

    private static int status(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }
}
