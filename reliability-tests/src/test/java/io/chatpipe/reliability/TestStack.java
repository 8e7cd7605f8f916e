package io.chatpipe.reliability;

import io.chatpipe.stack.StackScript;
import io.chatpipe.supervisor.ApiKey;
import io.chatpipe.supervisor.ArchiveAccess;
import io.chatpipe.supervisor.LocalStack;
import io.chatpipe.supervisor.Ports;
import io.chatpipe.supervisor.Service;
import io.chatpipe.supervisor.StackSettings;
import io.chatpipe.supervisor.XmppServerControl;
import io.chatpipe.testsupport.Ejabberd;
import io.chatpipe.testsupport.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.EnumSet;
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

    public static final String LIMITED_SENDER = "shop-bot";

    public final Ejabberd ejabberd = Ejabberd.shared();
    public final LocalStack stack;

    private TestStack() {
        stack = new LocalStack(settings(dataDir("stack"), Ports.picked(FreePorts::pick), "384m",
                        // well within the corpus's wait for an answer, so that a stalled WebSocket is seen closed
                        "-Dchatpipe.api.websocket.idle-timeout=10s")
                .withApiKeys(List.of(corpusKey, limitedKey, floodKey)), System.out, System.err);
    }

    /**
     * A stack of its own on a Kafka cluster of three brokers with two instances of each service, on the test JVM's
     * ejabberd (its captures on a replication slot of their own, beside the shared stack's), with its logs in
     * {@code target/cluster-*}. The caller starts and closes it.
     */
    public static LocalStack cluster(ApiKey key) {
        // 26 ports in a row (Ports.block): the stack's eleven, brokers 2 and 3 above them, the second instances
        int start = FreePorts.pick();
        int previous = start;
        for (int run = 1; run < 26; ) {
            int port = FreePorts.pick();
            run = port == previous + 1 ? run + 1 : 1;
            start = run == 1 ? port : start;
            previous = port;
        }
        return new LocalStack(settings(dataDir("cluster"), Ports.block(start), "320m",
                "-Dchatpipe.capture.archive.slot=chatpipe_capture_cluster")
                .withBrokers(3).withInstances(2).withApiKeys(List.of(key)), System.out, System.err);
    }

    /** On the test JVM's ejabberd, the services without the webhook-dispatcher, small and quick to start. */
    private static StackSettings settings(Path dataDir, Ports ports, String heap, String option) {
        return StackSettings.of(StackScript.repositoryRoot(Path.of("")),
                        dataDir, ports)
                .withExternalXmpp(xmpp(Ejabberd.shared()))
                .withServices(EnumSet.of(Service.HISTORY, Service.API, Service.CAPTURE, Service.WORKER))
                // the machine is shared, the load is light
                .withHeap(heap, heap, List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", option))
                .withTimeouts(Duration.ofMinutes(4), Duration.ofSeconds(60));
    }

    /** {@code target/PREFIX-yyyyMMdd-HHmmss}, made: a stack's data directory. */
    public static Path dataDir(String prefix) {
        try {
            return Files.createDirectories(Path.of("target", prefix + "-"
                    + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")))).toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The shared stack, started on first use and stopped when the JVM exits. */
    public static synchronized TestStack shared() {
        if (failure != null) {
            throw new IllegalStateException("the shared stack did not start", failure);
        }
        if (shared == null) {
            var created = new TestStack();
            Runtime.getRuntime().addShutdownHook(new Thread(created.stack::stop, "test-stack-stop"));
            try {
                created.stack.start();
            } catch (RuntimeException e) {
                // once: the next test class gets the same answer, not a second stack on a busy machine
                failure = e;
                created.stack.stop();
                throw e;
            }
            shared = created;
        }
        return shared;
    }

    /** The port of the service (its one instance). */
    public int port(Service service) {
        return stack.settings().ports().of(service, 0);
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
