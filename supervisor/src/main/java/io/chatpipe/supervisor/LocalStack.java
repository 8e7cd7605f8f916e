package io.chatpipe.supervisor;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.slf4j.LoggerFactory;

/**
 * chatpipe's whole pipeline on loopback, supervised, as {@code ./chatpipe run}, the bench, the chaos run and the tests
 * start it ({@link StackSettings}): the Kafka broker (or a KRaft cluster of them), PostgreSQL with ejabberd's archive,
 * ejabberd, and the services, each started once the one before is ready (the instances of one service at once), each
 * JVM in a session of its own (a terminal's Ctrl-C reaches the supervisor only) with its output in
 * {@code DATA_DIR/logs}; and stopped in order: the services last-started first, ejabberd, its PostgreSQL, then the
 * brokers all at once. What it does, it says on the console.
 *
 * <p>With several instances of each service, each has its own port ({@link Ports#of}), log, and, for
 * history-service, state directory and {@code group.instance.id}; the captures share the archive's replication slot,
 * one reading and the others standing by. Faults act on the real processes, one instance at a time:
 * {@link #kill(Service, int)} is a kill -9, {@link #startService(Service, int)} starts that instance again on its
 * port, log and state directory.
 */
public final class LocalStack implements AutoCloseable {

    static final String KAFKA_READY = "Kafka broker ready";
    /** Quiets JDK 25's notice about Kafka's (and the services' libraries') use of sun.misc.Unsafe. */
    private static final List<String> JAVA_OPTIONS = List.of("--sun-misc-unsafe-memory-access=allow");

    private final StackSettings settings;
    private final PrintStream out;
    private final PrintStream err;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** ejabberd and its PostgreSQL when this stack runs its own; empty on an external XMPP server. */
    private final Optional<EjabberdScript> ejabberd;
    private final XmppServerControl xmpp;

    /** Broker {@code n} at index {@code n - 1}, the JVM of its latest start. */
    private final List<ChildJvm> brokers = new ArrayList<>();
    /** Instance {@code i} of each service at index {@code i}, the JVM of its latest start. */
    private final Map<Service, ChildJvm[]> services = new EnumMap<>(Service.class);
    /** The services' JVMs in the order they (last) started; stopped in reverse. */
    private final List<ChildJvm> startOrder = new ArrayList<>();
    private boolean postgresStarted;
    private boolean ejabberdStarted;
    private volatile boolean stopping;

    public LocalStack(StackSettings settings, PrintStream out, PrintStream err) {
        this.settings = settings;
        this.out = out;
        this.err = err;
        this.ejabberd = settings.externalXmpp().isPresent() ? Optional.empty() : Optional.of(new EjabberdScript(
                settings.root(), settings.dataDir().resolve("ejabberd"), settings.xmppDomain(),
                settings.ports().xmppClient(), settings.ports().xmppHttp(), new PostgresScript(settings.root(),
                        settings.dataDir().resolve("postgres"), settings.ports().postgres())));
        this.xmpp = settings.externalXmpp().orElseGet(ejabberd::orElseThrow);
        for (Service service : Service.values()) {
            services.put(service, new ChildJvm[settings.instances()]);
        }
        for (int n = 1; n <= settings.brokers(); n++) {
            brokers.add(null);
        }
    }

    /** A part that did not come up (the stack has said why on the console), or a start cut short by a stop. */
    public static final class StartFailure extends RuntimeException {

        StartFailure(String what) {
            super(what + " did not start");
        }
    }

    /** Stops an ejabberd and its PostgreSQL that a run killed outright left running on this data directory. */
    public void stopStaleXmpp() {
        ejabberd.ifPresent(server -> {
            if (server.running()) {
                out.println("Stopping the ejabberd that an earlier run left running");
                server.stop();
            }
            if (server.storageRunning()) {
                out.println("Stopping the PostgreSQL that an earlier run left running");
                server.stopStorage();
            }
        });
    }

    /**
     * Fails, saying which and what holds them, when something listens on a port of this stack already (a system-wide
     * XMPP server, another run).
     */
    public void requireFreePorts() {
        List<String> taken = new ArrayList<>();
        settings.portsByName().forEach((name, port) -> {
            if (listening(port)) {
                taken.add("127.0.0.1:" + port + " (" + name + ") is taken" + whoListens(port));
            }
        });
        if (!taken.isEmpty()) {
            err.println("chatpipe: cannot start, port in use:");
            taken.forEach(port -> err.println("  " + port));
            err.println("""
                    chatpipe: stop what holds it (a system-wide XMPP server: service ejabberd stop / service prosody stop),
                    or choose other ports (./chatpipe help lists the variables).""");
            throw new StartFailure("ports");
        }
    }

    /** Starts Kafka, ejabberd with its PostgreSQL (unless on an external one) and the settings' services, in order. */
    public void start() {
        mkdirs(settings.logDir());
        startKafka();
        if (ejabberd.isPresent()) {
            startPostgres();
            startEjabberd();
        }
        for (Service service : Service.values()) {
            if (settings.services().contains(service)) {
                // several instances of a service start at once, each saying so on a line of its own
                try {
                    CompletableFuture.allOf(IntStream.range(0, settings.instances())
                            .mapToObj(i -> CompletableFuture.runAsync(() -> startService(service, i)))
                            .toArray(CompletableFuture[]::new)).join();
                } catch (java.util.concurrent.CompletionException e) {
                    throw e.getCause() instanceof RuntimeException cause ? cause : e;
                }
            }
        }
    }

    /** Every broker at once: a node of a cluster is ready only once a majority of the controllers answer. */
    private void startKafka() {
        if (settings.brokers() == 1) {
            out.print("Starting Kafka broker on 127.0.0.1:" + settings.ports().kafka() + " ");
        } else {
            out.print("Starting a Kafka cluster of " + settings.brokers() + " brokers on " + settings.kafkaServers() + " ");
        }
        startBrokers(IntStream.rangeClosed(1, settings.brokers()).boxed().toList());
        out.println(" ready");
    }

    private void startBrokers(List<Integer> nodes) {
        List<ChildJvm> started = new ArrayList<>();
        List<Long> from = new ArrayList<>();
        for (int n : nodes) {
            ChildJvm broker = broker(n);
            from.add(broker.logSize());
            launch(broker);
            synchronized (this) {
                brokers.set(n - 1, broker);
            }
            started.add(broker);
        }
        awaitReady(started.getFirst(), Duration.ofMillis(250), () -> {
            for (int i = 0; i < started.size(); i++) {
                if (!started.get(i).logFrom(from.get(i)).contains(KAFKA_READY)) {
                    if (!started.get(i).isAlive()) {
                        throw failure(started.get(i).name(), started.get(i).log());
                    }
                    return false;
                }
            }
            return true;
        }, "Kafka (no answer in " + settings.startTimeout().toSeconds() + "s)", true);
    }

    /** Broker {@code n}: alone, {@code DATA_DIR/kafka}; of a cluster, {@code DATA_DIR/kafka-cluster/broker-N}. */
    private ChildJvm broker(int n) {
        Path logs = settings.logDir();
        List<String> options = new ArrayList<>(JAVA_OPTIONS);
        // the heap and G1 settings of every stack's broker
        options.add("@" + settings.root().resolve("stack/kafka/jvm.options"));
        if (settings.brokers() == 1) {
            return jvm("Kafka broker", Jars.kafka(settings.root()), withGcLog(options, "kafka-broker"), List.of(
                    "--data-dir=" + mkdirs(settings.dataDir().resolve("kafka")), "--port=" + settings.ports().kafka(),
                    "--controller-port=" + settings.ports().kafkaController(), "--log-file=" + logs.resolve("kafka.log")),
                    logs.resolve("kafka.console.log"), Map.of());
        }
        Path cluster = mkdirs(settings.dataDir().resolve("kafka-cluster"));
        List<String> voters = new ArrayList<>();
        for (int node = 1; node <= settings.brokers(); node++) {
            voters.add(node + "@127.0.0.1:" + settings.ports().controller(node));
        }
        return jvm("Kafka broker " + n, Jars.kafka(settings.root()), withGcLog(options, "kafka-broker-" + n), List.of(
                "--data-dir=" + mkdirs(cluster.resolve("broker-" + n)), "--port=" + settings.ports().broker(n),
                "--controller-port=" + settings.ports().controller(n),
                "--log-file=" + logs.resolve("kafka-" + n + ".log"), "--node-id=" + n,
                "--voters=" + String.join(",", voters), "--cluster-id=" + clusterId(cluster.resolve("cluster.id")),
                "--replicas=" + settings.replicas()), logs.resolve("kafka-" + n + ".console.log"), Map.of());
    }

    private void startPostgres() {
        out.println("Starting PostgreSQL for ejabberd's message archive on 127.0.0.1:" + settings.ports().postgres());
        synchronized (this) {
            checkNotStopping();
            postgresStarted = true;
        }
        startOrFail("PostgreSQL", "postgres/logs", xmpp::startStorage);
    }

    private void startEjabberd() {
        out.println("Starting ejabberd (domain " + xmpp.domain() + ", c2s 127.0.0.1:" + xmpp.clientPort()
                + ", API " + xmpp.apiUrl() + ")");
        synchronized (this) {
            checkNotStopping();
            ejabberdStarted = true;
        }
        startOrFail("ejabberd", "ejabberd/logs", xmpp::start);
    }

    /** Starts a part run by a stack/ script; when it fails, says why and where its logs are, and stops the start. */
    private void startOrFail(String part, String logs, Runnable start) {
        try {
            start.run();
        } catch (RuntimeException e) {
            // looked up here, not held: `run` has no SLF4J provider, and SLF4J says so once a logger is made
            LoggerFactory.getLogger(LocalStack.class).error("{} did not start", part, e);
            err.println("chatpipe: " + part + " did not start (" + e.getMessage() + "); its logs are in "
                    + settings.dataDir().resolve(logs));
            throw new StartFailure(part);
        }
    }

    /** Starts instance {@code i} (from 0) of the service (again) and waits until it is ready. */
    public void startService(Service service, int instance) {
        startService(service, instance, Map.of());
    }

    /**
     * Starts instance {@code i} (from 0) of the service (again), with these properties beside (or instead of) the
     * stack's, and waits until its health is UP (history-service's: until it answers a query too, as a user would ask
     * it; its health is UP only once its stores answer, this is the proof).
     */
    public void startService(Service service, int instance, Map<String, String> properties) {
        String name = settings.name(service, instance);
        int port = settings.ports().of(service, instance);
        // one instance: its dots on its line; several, which may start at once: a line each when it starts and is up
        boolean dots = settings.instances() == 1;
        out.print("Starting " + name + " on 127.0.0.1:" + port + (dots ? " " : "\n"));
        String heap = service == Service.API ? settings.apiHeap() : settings.heap();
        // the whole heap from the start: a heap G1 grows and shrinks to a fraction of it kept the history-service
        // collecting every 2 s, each young collection also starting a marking cycle (measured in the bench)
        List<String> options = new ArrayList<>(JAVA_OPTIONS);
        options.add("-Xms" + heap);
        options.add("-Xmx" + heap);
        options.addAll(settings.jvmOptions());
        Map<String, String> all = new LinkedHashMap<>(properties(service, instance));
        all.putAll(properties);
        List<String> args = new ArrayList<>(settings.topicSettings());
        all.forEach((key, value) -> args.add("--" + key + "=" + value));
        ChildJvm jvm = jvm(name, Jars.service(settings.root(), service), withGcLog(options, name), args,
                settings.logDir().resolve(name + ".log"), environment(service));
        synchronized (this) {
            ChildJvm earlier = services.get(service)[instance];
            if (earlier != null && earlier.isAlive()) {
                throw new IllegalStateException(name + " is running already");
            }
            launch(jvm);
            startOrder.remove(earlier);
            startOrder.add(jvm);
            services.get(service)[instance] = jvm;
        }
        awaitReady(jvm, Duration.ofMillis(500), () -> healthy(service, instance)
                        && (service != Service.HISTORY || historyAnswers(port)),
                name + " (health not UP in " + settings.startTimeout().toSeconds() + "s)", dots);
        out.println(dots ? " up" : name + " up");
    }

    /** What each service is told: where the others are, the keys it takes, its stores. */
    private Map<String, String> properties(Service service, int instance) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("server.port", Integer.toString(settings.ports().of(service, instance)));
        properties.put("spring.kafka.bootstrap-servers", settings.kafkaServers());
        List<ApiKey> keys = settings.apiKeys();
        switch (service) {
            case API -> {
                properties.put("chatpipe.api.history.url", url(Service.HISTORY, instance));
                properties.put("chatpipe.api.xmpp.domain", xmpp.domain());
                properties.put("chatpipe.api.xmpp.port", Integer.toString(xmpp.clientPort()));
                // a local stack's webhook endpoints are local too: loopback and private addresses allowed
                properties.put("chatpipe.api.webhooks.allow-private-endpoints", "true");
                if (!keys.isEmpty()) {
                    properties.put("chatpipe.api.auth.required", "true");
                    for (int i = 0; i < keys.size(); i++) {
                        properties.putAll(keys.get(i).properties(i));
                    }
                }
            }
            case HISTORY -> {
                properties.put("chatpipe.history.streams.state-dir", settings.dataDir().resolve("history-service"
                        + (settings.brokers() > 1 ? "-cluster" : "") + (instance > 0 ? "-" + (instance + 1) : ""))
                        .toString());
                if (settings.instances() > 1) {
                    // its own static membership: restarted after a kill -9, it takes its own partitions back
                    properties.put("chatpipe.history.streams.instance-id", "history-" + (instance + 1));
                }
                if (!keys.isEmpty()) {
                    // the applications' keys also read the audit and erase (roles audit, admin); the api-service's
                    // own key reads any user's conversations, for the chat page, whose users it has already checked
                    properties.put("chatpipe.history.auth.required", "true");
                    for (int i = 0; i < keys.size(); i++) {
                        properties.putAll(keys.get(i).historyProperties(i, List.of("audit", "admin")));
                    }
                    properties.putAll(new ApiKey("api-service", secret("history-key"), List.of(), 1)
                            .historyProperties(keys.size(), List.of()));
                }
            }
            case CAPTURE -> {
                ArchiveAccess archive = xmpp.archive();
                properties.put("chatpipe.capture.xmpp-domain", xmpp.domain());
                properties.put("chatpipe.capture.archive.host", archive.host());
                properties.put("chatpipe.capture.archive.port", Integer.toString(archive.port()));
                properties.put("chatpipe.capture.archive.database", archive.database());
                properties.put("chatpipe.capture.archive.user", archive.user());
                properties.put("chatpipe.capture.archive.publication", archive.publication());
            }
            case WORKER -> {
                properties.put("chatpipe.worker.xmpp-domain", xmpp.domain());
                properties.put("chatpipe.worker.ejabberd.api-url", xmpp.apiUrl());
                properties.put("chatpipe.worker.smack.port", Integer.toString(xmpp.clientPort()));
                properties.put("chatpipe.worker.ejabberd.confirm-by", settings.confirmBy());
            }
            case WEBHOOKS -> properties.put("chatpipe.webhooks.allow-private-endpoints", "true");
        }
        return properties;
    }

    /** Secrets go to the services in their environment, never on a command line others can read in ps. */
    private Map<String, String> environment(Service service) {
        return switch (service) {
            case API -> settings.apiKeys().isEmpty() ? Map.of("CHATPIPE_API_XMPP_PASSWORDKEY", passwordKey())
                    : Map.of("CHATPIPE_API_XMPP_PASSWORDKEY", passwordKey(),
                            "CHATPIPE_API_HISTORY_APIKEY", secret("history-key"));
            case WORKER -> Map.of("CHATPIPE_WORKER_PROVISIONING_PASSWORDKEY", passwordKey());
            case CAPTURE -> Map.of("CHATPIPE_CAPTURE_ARCHIVE_PASSWORD", xmpp.archive().password().get());
            case HISTORY, WEBHOOKS -> Map.of();
        };
    }

    /** The key from which the api-service and the worker derive each user's XMPP password (base64 of 32 bytes). */
    public String passwordKey() {
        return secret("xmpp-password-key");
    }

    /** SIGTERM of instance {@code i} of the service, waiting until it is gone; forgotten in the stop order. */
    public void stopService(Service service, int instance) {
        ChildJvm jvm;
        synchronized (this) {
            jvm = services.get(service)[instance];
            startOrder.remove(jvm);
        }
        if (jvm != null) {
            stop(jvm);
        }
    }

    /** kill -9 of instance {@code i} (from 0) of the service; returns once it is gone. */
    public void kill(Service service, int instance) {
        ChildJvm jvm;
        synchronized (this) {
            jvm = services.get(service)[instance];
        }
        if (jvm != null) {
            out.println("Killing " + jvm.name() + " (kill -9)");
            jvm.kill();
        }
    }

    /** Stops the broker(s) (SIGTERM, all at once, as an operator restarts them) and starts them again on their data. */
    public void restartKafka() {
        out.println("Restarting the Kafka broker(s)");
        List<ChildJvm> running;
        synchronized (this) {
            running = List.copyOf(brokers);
        }
        CompletableFuture.allOf(running.stream().map(broker -> CompletableFuture.runAsync(() -> stop(broker)))
                .toArray(CompletableFuture[]::new)).join();
        startKafka();
    }

    /** kill -9 of broker {@code n} (its node id, from 1); returns once it is gone. */
    public void killBroker(int n) {
        ChildJvm broker;
        synchronized (this) {
            broker = brokers.get(n - 1);
        }
        out.println("Killing " + broker.name() + " (kill -9)");
        broker.kill();
    }

    /** Starts broker {@code n} again on its data and ports; returns once it is ready. */
    public void startBroker(int n) {
        out.print("Starting Kafka broker " + n + " again ");
        startBrokers(List.of(n));
        out.println(" ready");
    }

    /** Stops the XMPP server (the stack's own ejabberd, or the external one); its data stays. */
    public void stopXmpp() {
        out.println("Stopping the XMPP server");
        xmpp.stop();
    }

    public void startXmpp() {
        checkNotStopping();
        out.println("Starting the XMPP server again");
        xmpp.start();
    }

    /** The running process of instance {@code i} of the service. */
    public synchronized Optional<ProcessHandle> process(Service service, int instance) {
        return Optional.ofNullable(services.get(service)[instance]).flatMap(ChildJvm::handle)
                .filter(ProcessHandle::isAlive);
    }

    /**
     * Blocks until a started part exits by itself: its name; or, once the stack is stopping (a part exits because it
     * was stopped), empty.
     */
    public Optional<String> awaitExit() {
        List<ChildJvm> parts;
        synchronized (this) {
            parts = new ArrayList<>(brokers);
            parts.addAll(startOrder);
        }
        CompletableFuture<?>[] exits = parts.stream()
                .map(jvm -> jvm.handle().orElseThrow().onExit().thenApply(any -> jvm.name()))
                .toArray(CompletableFuture[]::new);
        String exited = (String) CompletableFuture.anyOf(exits).join();
        return stopping ? Optional.empty() : Optional.of(exited);
    }

    /**
     * Stops everything this stack started, in order: the services (last started first), ejabberd, its PostgreSQL,
     * then the brokers, all at once, so that each hands its partitions over while the controllers still have a
     * majority (one by one, the last waited for a quorum that had stopped before it). Once: later calls return.
     */
    public void stop() {
        List<ChildJvm> parts;
        List<ChildJvm> running;
        synchronized (this) {
            if (stopping) {
                return;
            }
            stopping = true;
            parts = new ArrayList<>(startOrder);
            running = brokers.stream().filter(broker -> broker != null).toList();
        }
        for (ChildJvm jvm : parts.reversed()) {
            stop(jvm);
        }
        if (ejabberdStarted) {
            out.println("Stopping ejabberd");
            try {
                xmpp.stop();
            } catch (RuntimeException e) {
                err.println(e.getMessage());
            }
        }
        if (postgresStarted) {   // after ejabberd, which writes its archive there
            out.println("Stopping PostgreSQL");
            try {
                xmpp.stopStorage();
            } catch (RuntimeException e) {
                err.println(e.getMessage());
            }
        }
        running.forEach(broker -> broker.handle().ifPresent(ProcessHandle::destroy));
        for (ChildJvm broker : running.reversed()) {
            stop(broker);
        }
        out.flush();
    }

    /** {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    /** SIGTERM, then SIGKILL after the stop timeout; says so. */
    private void stop(ChildJvm jvm) {
        ProcessHandle process = jvm.handle().orElse(null);
        if (process == null || !process.isAlive()) {
            return;
        }
        out.print("Stopping " + jvm.name());
        process.destroy();
        long seconds = settings.stopTimeout().toSeconds();
        for (long i = 0; i < seconds && process.isAlive(); i++) {
            try {
                process.onExit().get(1, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                out.print(".");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (java.util.concurrent.ExecutionException e) {
                break;
            }
        }
        if (process.isAlive()) {
            process.destroyForcibly();
            process.onExit().join();
            out.println(" killed after " + seconds + "s");
        } else {
            out.println(" stopped");
        }
    }

    private ChildJvm jvm(String name, Path jar, List<String> options, List<String> args, Path log,
            Map<String, String> env) {
        List<String> command = new ArrayList<>();
        // a session of its own: the terminal's Ctrl-C reaches the supervisor, which stops the parts in order
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            command.add("/usr/bin/setsid");
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(options);
        command.addAll(Jars.launch(jar));   // -jar, with the jar's AOT cache when the build made one
        command.addAll(args);
        Map<String, String> environment = Map.copyOf(env);
        return new ChildJvm(name, command, log, () -> environment);
    }

    /** Starts the JVM, unless the stack is stopping already (a Ctrl-C, or the end, while it started). */
    private synchronized void launch(ChildJvm jvm) {
        checkNotStopping();
        jvm.start();
    }

    private void checkNotStopping() {
        if (stopping) {
            throw new StartFailure("(stopping)");
        }
    }

    private List<String> withGcLog(List<String> options, String name) {
        List<String> all = new ArrayList<>(options);
        settings.gcLogDir().ifPresent(dir -> {
            mkdirs(dir);
            all.add("-Xlog:gc:file=" + dir.resolve(name + "-%p.log") + ":timemillis");
        });
        return all;
    }

    /** Polls until ready, a dot a second; fails when the JVM exits or the start timeout passes. */
    private void awaitReady(ChildJvm jvm, Duration poll, BooleanSupplier ready, String timeoutWhat, boolean dots) {
        long deadline = System.nanoTime() + settings.startTimeout().toNanos();
        long polls = 0;
        long perSecond = Duration.ofSeconds(1).dividedBy(poll);
        while (!ready.getAsBoolean()) {
            if (!jvm.isAlive()) {
                throw failure(jvm.name(), jvm.log());
            }
            if (System.nanoTime() > deadline) {
                throw failure(timeoutWhat, jvm.log());
            }
            if (++polls % perSecond == 0 && dots) {
                out.print(".");
            }
            try {
                Thread.sleep(poll);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StartFailure("(interrupted)");
            }
        }
    }

    /** Says that the part did not come up, with the end of its log, as the failure the start ends with. */
    private StartFailure failure(String what, Path log) {
        if (stopping) {   // a Ctrl-C while it started: the part was stopped, not failed
            return new StartFailure("(stopping)");
        }
        err.println(" failed");
        err.println("chatpipe: " + what + " did not start; the end of " + log + ":");
        err.println(tail(log, 30));
        return new StartFailure(what);
    }

    private static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Whether instance {@code i} of the service answers its health endpoint with UP. */
    public boolean healthy(Service service, int instance) {
        return get(url(service, instance) + "/actuator/health", null)
                .map(body -> body.contains("\"status\":\"UP\"")).orElse(false);
    }

    /** Whether every instance of the service answers its health endpoint with UP. */
    public boolean healthy(Service service) {
        return IntStream.range(0, settings.instances()).allMatch(i -> healthy(service, i));
    }

    /** Whether history-service answers a query with 200, as a user would ask it (with the api-service's history key). */
    private boolean historyAnswers(int port) {
        String key = settings.apiKeys().isEmpty() ? null : secret("history-key");
        return get("http://127.0.0.1:" + port + "/api/v1/conversations/chatpipe-start/chatpipe-check/messages?limit=1",
                key).isPresent();
    }

    /** The body of a 2xx answer; empty for any other answer or none. */
    private Optional<String> get(String url, String bearer) {
        var request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() / 100 == 2 ? Optional.of(response.body()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** A random secret (256 bits, base64) made on first use and kept in {@code DATA_DIR/secrets}, readable by this user only. */
    public String secret(String name) {
        return secret(settings.dataDir(), name);
    }

    /** The secret {@code name} of a stack on the data directory, made on first use. */
    public static synchronized String secret(Path dataDir, String name) {
        Path dir = dataDir.resolve("secrets");
        Path file = dir.resolve(name);
        try {
            if (!Files.exists(file) || Files.size(file) == 0) {
                Files.createDirectories(dir);
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
                byte[] bytes = new byte[32];
                new SecureRandom().nextBytes(bytes);
                Files.deleteIfExists(file);
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(file, Base64.getEncoder().encodeToString(bytes), StandardCharsets.UTF_8);
            }
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the secret " + file, e);
        }
    }

    /** Every node of a cluster is formatted with one cluster id, kept beside them (Kafka's form: 16 random bytes, URL-safe base64, unpadded). */
    private static String clusterId(Path file) {
        try {
            if (!Files.exists(file) || Files.size(file) == 0) {
                byte[] bytes = new byte[16];
                new SecureRandom().nextBytes(bytes);
                Files.writeString(file, Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
            }
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Prints where everything is, as {@code ./chatpipe run} does once all is up. */
    public void printSummary() {
        Path data = settings.dataDir();
        Path logs = settings.logDir();
        Ports ports = settings.ports();
        String domain = settings.xmppDomain();
        var summary = new StringBuilder();
        summary.append("\nchatpipe is running (Ctrl-C stops everything; data stays in ").append(data).append("):\n");
        if (settings.brokers() == 1) {
            summary.append(String.format("  %-22s %-26s %s%n", "Kafka (KRaft)", "127.0.0.1:" + ports.kafka(),
                    "topics chat.messages, chat.deliveries, chat.users, chat.messages.dlq"));
        } else {
            summary.append(String.format("  %-22s %-26s %s%n", "Kafka broker 1", "127.0.0.1:" + ports.kafka(),
                    "KRaft cluster of " + settings.brokers() + ": topics replicated " + settings.replicas()
                            + " times, min.insync.replicas " + settings.minInsyncReplicas()));
            for (int n = 2; n <= settings.brokers(); n++) {
                summary.append(String.format("  %-22s %-26s %s%n", "Kafka broker " + n, "127.0.0.1:" + ports.broker(n),
                        "log " + logs.resolve("kafka-" + n + ".log")));
            }
        }
        summary.append("  XMPP (ejabberd)        127.0.0.1:").append(ports.xmppClient()).append("  domain ")
                .append(domain).append("   in-band registration open on loopback\n");
        summary.append("  ejabberd admin API     http://127.0.0.1:").append(ports.xmppHttp()).append("/api\n");
        summary.append("  PostgreSQL             127.0.0.1:").append(ports.postgres())
                .append("  database ejabberd, table archive (ejabberd's message archive)\n");
        summary.append("  api-service            http://127.0.0.1:").append(ports.api())
                .append("         (health /actuator/health, metrics /actuator/prometheus)\n");
        summary.append("  history-service        http://127.0.0.1:").append(ports.history()).append('\n');
        summary.append("  xmpp-delivery-worker   http://127.0.0.1:").append(ports.worker()).append('\n');
        summary.append("  xmpp-capture           http://127.0.0.1:").append(ports.capture())
                .append("         (replies, receipts, read markers from ejabberd's archive)\n");
        summary.append("  webhook-dispatcher     http://127.0.0.1:").append(ports.webhooks())
                .append("         (webhook endpoints: POST /api/v1/webhooks on the api-service)\n");
        summary.append("  logs                   ").append(logs).append("/{kafka*,api-service,history-service,")
                .append("xmpp-delivery-worker,xmpp-capture,webhook-dispatcher}.log, ").append(data)
                .append("/{ejabberd,postgres}/logs\n\n");
        summary.append("API key for applications (kept in ").append(data).append("/secrets/api-key): ")
                .append(secret("api-key")).append("\n\n");
        summary.append("Try it: log in an XMPP client as bob@").append(domain).append(" (register in-band on 127.0.0.1:")
                .append(ports.xmppClient()).append("), then\n");
        summary.append("  curl -i -H \"Authorization: Bearer $(cat ").append(data).append("/secrets/api-key)\" ")
                .append("-H 'Content-Type: application/json' -d '{\"fromId\":\"alice\",\"toId\":\"bob\",")
                .append("\"message\":\"hello from chatpipe\"}' http://127.0.0.1:").append(ports.api())
                .append("/api/v1/messages\n");
        summary.append("  curl -s -H \"Authorization: Bearer $(cat ").append(data).append("/secrets/api-key)\" ")
                .append("http://127.0.0.1:").append(ports.history()).append("/api/v1/conversations/alice/bob/messages\n");
        out.print(summary);
        out.flush();
    }

    public StackSettings settings() {
        return settings;
    }

    public XmppServerControl xmpp() {
        return xmpp;
    }

    /** Every log file this stack's processes wrote. */
    public List<Path> logFiles() {
        try (var files = Files.walk(settings.logDir())) {
            return files.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code http://127.0.0.1:PORT} of instance {@code i} (from 0) of the service. */
    public String url(Service service, int instance) {
        return "http://127.0.0.1:" + settings.ports().of(service, instance);
    }

    /** Every instance's {@code http://127.0.0.1:PORT} of the service. */
    public List<String> urls(Service service) {
        return IntStream.range(0, settings.instances()).mapToObj(i -> url(service, i)).toList();
    }

    /** How many instances of each service. */
    public int instances() {
        return settings.instances();
    }

    /** How many Kafka brokers (node ids 1 to this). */
    public int brokers() {
        return settings.brokers();
    }

    /** Every broker, as a client's bootstrap list. */
    public String kafkaBootstrap() {
        return settings.kafkaServers();
    }

    private static boolean listening(int port) {
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code " (command,pid=N)"} of what listens on the port, when {@code ss} can tell; else empty. */
    private static String whoListens(int port) {
        try {
            Process ss = new ProcessBuilder("ss", "-ltnpH", "sport = :" + port).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            String said = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            ss.waitFor(5, TimeUnit.SECONDS);
            var matcher = java.util.regex.Pattern.compile("users:\\(\\((\"[^\"]*\",pid=[0-9]*)").matcher(said);
            return matcher.find() ? " (" + matcher.group(1).replace("\"", "") + ")" : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static Path mkdirs(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
