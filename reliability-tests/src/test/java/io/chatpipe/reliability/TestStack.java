package io.chatpipe.reliability;

import io.chatpipe.supervisor.ApiKey;
import io.chatpipe.supervisor.ArchiveAccess;
import io.chatpipe.supervisor.LocalStack;
import io.chatpipe.supervisor.Ports;
import io.chatpipe.supervisor.Scale;
import io.chatpipe.supervisor.Service;
import io.chatpipe.supervisor.XmppServerControl;
import io.chatpipe.testsupport.Ejabberd;
import io.chatpipe.testsupport.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;

/**
 * The stack this module's tests share, one per test JVM: a Kafka broker, the test JVM's ejabberd
 * ({@link Ejabberd#shared()}, its archive in PostgreSQL) and the services, xmpp-capture among them, as child JVMs from their jars, on free ports, with
 * their logs in {@code target/stack-*}. The api-service requires API keys, as in production.
 */
public final class TestStack {

    private static TestStack shared;
    private static RuntimeException failure;

    /** Any sender, no practical rate limit: the corpus and the chaos driver. */
    public final ApiKey corpusKey = ApiKey.generate("corpus", List.of(), 1_000_000);
    /** May send only as {@link #LIMITED_SENDER}. */
    public final ApiKey limitedKey = ApiKey.generate("limited", List.of(LIMITED_SENDER), 1_000_000);
    /** A small rate limit, for floods. */
    public final ApiKey floodKey = ApiKey.generate("flood", List.of(), 20);
    /** The worker's provisioning password key, base64: a secret that must not show anywhere. */
    public final String passwordKey;

    public static final String LIMITED_SENDER = "shop-bot";

    public final Ejabberd ejabberd = Ejabberd.shared();
    public final LocalStack stack;

    private TestStack() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        passwordKey = Base64.getEncoder().encodeToString(key);
        Path dataDir = dataDir("stack");
        stack = new LocalStack(new LocalStack.Settings(LocalStack.Settings.repositoryRoot(), dataDir, freePorts(),
                xmpp(ejabberd), false, List.of(corpusKey, limitedKey, floodKey), passwordKey,
                // small and quick to start: the machine is shared, the load is light
                List.of("--sun-misc-unsafe-memory-access=allow", "-Xmx384m", "-XX:+UseSerialGC",
                        "-XX:TieredStopAtLevel=1",
                        // well within the corpus's wait for an answer, so that a stalled WebSocket is seen closed
                        "-Dchatpipe.api.websocket.idle-timeout=10s"),
                Duration.ofMinutes(4), "archive"));
    }

    /**
     * A stack of its own on a Kafka cluster of three brokers with two instances of each service, on the test JVM's
     * ejabberd (its captures on a replication slot of their own, beside the shared stack's), with its logs in
     * {@code target/cluster-*}. The caller starts and closes it.
     */
    public static LocalStack cluster(ApiKey key) {
        Path dataDir = dataDir("cluster");
        // 22 ports in a row: the stack's nine, brokers 2 and 3 (two each), then the second instances nine above
        int start = FreePorts.pick();
        int previous = start;
        for (int run = 1; run < 22; ) {
            int port = FreePorts.pick();
            run = port == previous + 1 ? run + 1 : 1;
            start = run == 1 ? port : start;
            previous = port;
        }
        var ports = new Ports(start, start + 1, start + 2, start + 3, start + 4, start + 5, start + 6, start + 7,
                start + 8);
        byte[] passwordKey = new byte[32];
        new SecureRandom().nextBytes(passwordKey);
        return new LocalStack(new LocalStack.Settings(LocalStack.Settings.repositoryRoot(), dataDir, ports,
                xmpp(Ejabberd.shared()), false, List.of(key), Base64.getEncoder().encodeToString(passwordKey),
                List.of("--sun-misc-unsafe-memory-access=allow", "-Xmx320m", "-XX:+UseSerialGC",
                        "-XX:TieredStopAtLevel=1", "-Dchatpipe.capture.archive.slot=chatpipe_capture_cluster"),
                Duration.ofMinutes(4), "archive"),
                new Scale(3, 2, start + 9, 13));
    }

    /** {@code target/PREFIX-yyyyMMdd-HHmmss}, made. */
    private static Path dataDir(String prefix) {
        try {
            return Files.createDirectories(Path.of("target", prefix + "-"
                    + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")))).toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Distinct ports nothing listens on right now, for a stack of a test. */
    public static Ports freePorts() {
        return new Ports(FreePorts.pick(), FreePorts.pick(), FreePorts.pick(), FreePorts.pick(), FreePorts.pick(),
                FreePorts.pick(), FreePorts.pick(), FreePorts.pick(), FreePorts.pick());
    }

    /** The shared stack, started on first use and stopped when the JVM exits. */
    public static synchronized TestStack shared() {
        if (failure != null) {
            throw new IllegalStateException("the shared stack did not start", failure);
        }
        if (shared == null) {
            var created = new TestStack();
            Runtime.getRuntime().addShutdownHook(new Thread(created.stack::close, "test-stack-stop"));
            try {
                created.stack.start();
            } catch (RuntimeException e) {
                // once: the next test class gets the same answer, not a second stack on a busy machine
                failure = e;
                created.stack.close();
                throw e;
            }
            shared = created;
        }
        return shared;
    }

    public int port(Service service) {
        return stack.port(service);
    }

    private static XmppServerControl xmpp(Ejabberd ejabberd) {
        return new XmppServerControl() {
            @Override
            public String domain() {
                return ejabberd.domain();
            }

            @Override
            public String host() {
                return ejabberd.host();
            }

            @Override
            public int clientPort() {
                return ejabberd.clientPort();
            }

            @Override
            public String apiUrl() {
                return ejabberd.apiUrl();
            }

            @Override
            public ArchiveAccess archive() {
                var archive = ejabberd.archive();
                return new ArchiveAccess(archive.host(), archive.port(), archive.database(), archive.captureUser(),
                        archive.publication(), archive::capturePassword);
            }

            @Override
            public void start() {
                ejabberd.start();
            }

            @Override
            public void stop() {
                ejabberd.stop();
            }
        };
    }
}
