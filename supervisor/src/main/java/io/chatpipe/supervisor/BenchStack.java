package io.chatpipe.supervisor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import javax.management.JMException;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stack {@code ./chatpipe bench} measures, supervised from the load generator's own JVM: the same parts as
 * {@code ./chatpipe run} on the bench's ports and data directory (wiped first, so that every bench starts from empty
 * topics and an empty ejabberd), with no API keys, every JVM logging its GC pauses into {@code DATA_DIR/logs/gc}.
 * The worker and the webhook-dispatcher start only when a scenario asks; history-service may be stopped, killed and
 * started again (rebuilt from the topics).
 */
public final class BenchStack implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BenchStack.class);

    /** Marks a data directory as the bench's own, so that it may be wiped. */
    public static final String MARK = ".chatpipe-bench";

    private final StackSettings settings;
    private final LocalStack stack;

    /** With the bench's ports and data directory; it starts history-service, the api-service and xmpp-capture. */
    public BenchStack(StackSettings settings) {
        this.settings = settings.withGcLogs(settings.logDir().resolve("gc"))
                .withServices(EnumSet.of(Service.HISTORY, Service.API, Service.CAPTURE));
        this.stack = new LocalStack(this.settings, System.out, System.err);
    }

    /**
     * Stops what an earlier bench left running, checks the ports, wipes the data directory (only when it is the
     * bench's own), then starts Kafka, PostgreSQL, ejabberd, history-service, the api-service and xmpp-capture.
     *
     * @throws LocalStack.StartFailure when a part did not start (it has said why on the console)
     */
    public void start() {
        Path dataDir = settings.dataDir();
        if (Files.isDirectory(dataDir)) {
            if (!Files.exists(dataDir.resolve(MARK))) {
                log.error("{} exists and is not the bench's own; set CHATPIPE_BENCH_DATA_DIR", dataDir);
                throw new LocalStack.StartFailure("the bench's stack");
            }
            stack.stopStaleXmpp();
        }
        stack.requireFreePorts();
        wipe(dataDir);
        try {
            Files.createDirectories(settings.gcLogDir().orElseThrow());
            Files.createFile(dataDir.resolve(MARK));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        logOwnGcPauses();
        log.info("A stack of its own in {}, results into bench/results/", dataDir);
        Runtime.getRuntime().addShutdownHook(new Thread(stack::stop, "bench-stack-stop"));
        stack.start();
    }

    /** Starts the worker with {@code chatpipe.worker.ejabberd.confirm-by}: {@code archive} (as run does) or {@code sessions}. */
    public void startWorker(String confirmBy) {
        if (!confirmBy.equals("archive") && !confirmBy.equals("sessions")) {
            throw new IllegalArgumentException("confirm-by is archive or sessions, not " + confirmBy);
        }
        stack.startService(Service.WORKER, 0, Map.of("chatpipe.worker.ejabberd.confirm-by", confirmBy));
    }

    public void stopWorker() {
        stack.stopService(Service.WORKER, 0);
    }

    /** Starts history-service on its stores in the data directory; with {@code rebuild}, from the topics' beginning. */
    public void startHistory(boolean rebuild) {
        stack.startService(Service.HISTORY, 0, rebuild ? Map.of("chatpipe.history.streams.rebuild", "true") : Map.of());
    }

    public void stopHistory() {
        stack.stopService(Service.HISTORY, 0);
    }

    /** kill -9: no clean close, no leaving its group, no checkpoint of its stores. */
    public void killHistory() {
        stack.kill(Service.HISTORY, 0);
    }

    /** As run starts it: loopback endpoints allowed (the bench's receiver listens on loopback). */
    public void startWebhookDispatcher() {
        stack.startService(Service.WEBHOOKS, 0);
    }

    public void stopWebhookDispatcher() {
        stack.stopService(Service.WEBHOOKS, 0);
    }

    /** The api-service's process, while it runs. */
    public Optional<ProcessHandle> apiService() {
        return stack.process(Service.API, 0);
    }

    public Path gcLogDir() {
        return settings.gcLogDir().orElseThrow();
    }

    /** Stops every part, in run's order. */
    @Override
    public void close() {
        stack.stop();
    }

    /**
     * This JVM's GC pauses into the GC log directory beside the stack's, as {@code -Xlog:gc:file=...} would have
     * (which cannot name a directory the wipe has yet to make).
     */
    private void logOwnGcPauses() {
        Path file = gcLogDir().resolve("load-generator-" + ProcessHandle.current().pid() + ".log");
        try {
            ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "vmLog", new Object[] {new String[] {"output=file=" + file, "what=gc", "decorators=timemillis"}},
                    new String[] {String[].class.getName()});
        } catch (JMException e) {
            log.warn("No GC log of the load generator", e);
        }
    }

    private static void wipe(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot wipe " + dir, e);
        }
    }
}
