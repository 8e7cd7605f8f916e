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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The stack {@code ./chatpipe run} starts, supervised: the Kafka broker (or {@code --brokers N} of them), PostgreSQL
 * with ejabberd's archive, ejabberd, and the services, each started once the one before is ready, each JVM in a
 * session of its own (a terminal's Ctrl-C reaches the supervisor only) with its output in {@code DATA_DIR/logs}; and
 * stopped in order: the services last-started first, ejabberd, its PostgreSQL, then the brokers all at once.
 * What it does, it says on the console as the script did.
 */
public final class RunStack {

    static final String KAFKA_READY = "Kafka broker ready";
    /** Quiets JDK 25's notice about Kafka's (and the services' libraries') use of sun.misc.Unsafe. */
    private static final List<String> JAVA_OPTIONS = List.of("--sun-misc-unsafe-memory-access=allow");
    private static final String SERVICE_HEAP = "512m";

    private final RunSettings settings;
    private final PrintStream out;
    private final PrintStream err;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final PostgresScript postgres;
    private final EjabberdScript ejabberd;

    /** What runs, in start order; stopped in reverse (the brokers last). */
    private final List<ChildJvm> started = new ArrayList<>();
    private boolean postgresStarted;
    private boolean ejabberdStarted;
    private volatile boolean stopping;

    public RunStack(RunSettings settings, PrintStream out, PrintStream err) {
        this.settings = settings;
        this.out = out;
        this.err = err;
        this.postgres = new PostgresScript(settings.root(), settings.dataDir().resolve("postgres"), settings.postgresPort());
        this.ejabberd = new EjabberdScript(settings.root(), settings.dataDir().resolve("ejabberd"), settings.xmppDomain(),
                settings.xmppClientPort(), settings.xmppHttpPort(), postgres);
    }

    /** A part that did not come up (the stack has said why on the console), or a start cut short by a stop. */
    public static final class StartFailure extends RuntimeException {

        StartFailure(String what) {
            super(what + " did not start");
        }
    }

    /** Stops an ejabberd and its PostgreSQL that a run killed outright left running on this data directory. */
    public void stopStaleXmpp() {
        if (ejabberd.running()) {
            out.println("Stopping the ejabberd that an earlier run left running");
            ejabberd.stop();
        }
        if (postgres.running()) {
            out.println("Stopping the PostgreSQL that an earlier run left running");
            postgres.stop();
        }
    }

    /**
     * Fails, saying which and what holds them, when something listens on a port of this stack already (a system-wide
     * XMPP server, another run).
     */
    public void requireFreePorts() {
        List<String> taken = new ArrayList<>();
        settings.ports().forEach((name, port) -> {
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

    /** Starts every part, each once the one before is ready, as {@code ./chatpipe run} does. */
    public void start() {
        mkdirs(settings.logDir());
        settings.gcLogDir().ifPresent(RunStack::mkdirs);
        String apiKey = secret("api-key");
        String passwordKey = secret("xmpp-password-key");
        String historyKey = secret("history-key");   // what the api-service shows history-service for its chat page
        startKafka();
        startPostgres();
        startEjabberd();
        // api-service first: it declares chat.messages, which history-service reads.
        // Secrets go to the services in their environment, never on a command line others can read in ps.
        startService("api-service", settings.apiPort(), Map.of("CHATPIPE_API_AUTH_REQUIRED", "true",
                "CHATPIPE_API_AUTH_KEYS_0_NAME", "local",
                "CHATPIPE_API_AUTH_KEYS_0_SECRETSHA256", ApiKey.sha256(apiKey),
                "CHATPIPE_API_HISTORY_APIKEY", historyKey,
                "CHATPIPE_API_XMPP_PASSWORDKEY", passwordKey,
                "CHATPIPE_API_WEBHOOKS_ALLOWPRIVATEENDPOINTS", "true"), List.of());
        // the application key also reads the audit and erases (roles audit, admin); the api-service's own key reads
        // any user's conversations, for the chat page, whose users it has already checked
        startService("history-service", settings.historyPort(), Map.of("CHATPIPE_HISTORY_AUTH_REQUIRED", "true",
                "CHATPIPE_HISTORY_AUTH_KEYS_0_NAME", "local",
                "CHATPIPE_HISTORY_AUTH_KEYS_0_SECRETSHA256", ApiKey.sha256(apiKey),
                "CHATPIPE_HISTORY_AUTH_KEYS_0_ROLES", "audit,admin",
                "CHATPIPE_HISTORY_AUTH_KEYS_1_NAME", "api-service",
                "CHATPIPE_HISTORY_AUTH_KEYS_1_SECRETSHA256", ApiKey.sha256(historyKey)),
                List.of("--chatpipe.history.streams.state-dir=" + settings.dataDir().resolve(
                        settings.brokers() > 1 ? "history-service-cluster" : "history-service")));
        // capture before the worker: the worker counts a message delivered once capture has seen it stored
        startCapture();
        startService("xmpp-delivery-worker", settings.workerPort(),
                Map.of("CHATPIPE_WORKER_PROVISIONING_PASSWORDKEY", passwordKey),
                List.of("--chatpipe.worker.ejabberd.confirm-by=archive"));
        // a local stack's webhook endpoints are local too: loopback and private addresses allowed
        startService("webhook-dispatcher", settings.webhookPort(), Map.of(),
                List.of("--chatpipe.webhooks.allow-private-endpoints=true"));
    }

    /** One broker, or a KRaft cluster of {@code brokers}, all started at once: a node of a cluster is ready only once a majority of the controllers answer. */
    public void startKafka() {
        Path logs = settings.logDir();
        List<ChildJvm> brokers = new ArrayList<>();
        List<Path> consoles = new ArrayList<>();
        Path jar = Jars.kafka(settings.root());
        List<String> options = new ArrayList<>(JAVA_OPTIONS);
        options.add("@" + settings.root().resolve("stack/kafka/jvm.options"));
        if (settings.brokers() == 1) {
            Path dataDir = mkdirs(settings.dataDir().resolve("kafka"));
            Path console = logs.resolve("kafka.console.log");
            brokers.add(jvm("Kafka broker", jar, withGcLog(options, "kafka-broker"), List.of("--data-dir=" + dataDir,
                    "--port=" + settings.kafkaPort(), "--controller-port=" + settings.kafkaControllerPort(),
                    "--log-file=" + logs.resolve("kafka.log")), console, Map.of()));
            consoles.add(console);
            out.print("Starting Kafka broker on 127.0.0.1:" + settings.kafkaPort() + " ");
        } else {
            Path cluster = mkdirs(settings.dataDir().resolve("kafka-cluster"));
            String clusterId = clusterId(cluster.resolve("cluster.id"));
            List<String> voters = new ArrayList<>();
            for (int n = 1; n <= settings.brokers(); n++) {
                voters.add(n + "@127.0.0.1:" + settings.brokerControllerPort(n));
            }
            for (int n = 1; n <= settings.brokers(); n++) {
                Path dataDir = mkdirs(cluster.resolve("broker-" + n));
                Path console = logs.resolve("kafka-" + n + ".console.log");
                brokers.add(jvm("Kafka broker " + n, jar, withGcLog(options, "kafka-broker-" + n), List.of(
                        "--data-dir=" + dataDir, "--port=" + settings.brokerPort(n),
                        "--controller-port=" + settings.brokerControllerPort(n),
                        "--log-file=" + logs.resolve("kafka-" + n + ".log"), "--node-id=" + n,
                        "--voters=" + String.join(",", voters), "--cluster-id=" + clusterId,
                        "--replicas=" + settings.replicas()), console, Map.of()));
                consoles.add(console);
            }
            out.print("Starting a Kafka cluster of " + settings.brokers() + " brokers on " + settings.kafkaServers() + " ");
        }
        List<Long> from = brokers.stream().map(ChildJvm::logSize).toList();
        for (ChildJvm broker : brokers) {
            launch(broker);
        }
        awaitReady(brokers.getFirst(), consoles.getFirst(), Duration.ofMillis(250), () -> {
            for (int i = 0; i < brokers.size(); i++) {
                if (!brokers.get(i).logFrom(from.get(i)).contains(KAFKA_READY)) {
                    if (!brokers.get(i).isAlive()) {
                        throw failure(brokers.get(i).name(), consoles.get(i));
                    }
                    return false;
                }
            }
            return true;
        }, "Kafka (no answer in " + settings.startTimeout().toSeconds() + "s)");
        out.println(" ready");
    }

    public void startPostgres() {
        out.println("Starting PostgreSQL for ejabberd's message archive on 127.0.0.1:" + settings.postgresPort());
        synchronized (this) {
            checkNotStopping();
            postgresStarted = true;
        }
        try {
            postgres.start();
        } catch (RuntimeException e) {
            err.println("chatpipe: PostgreSQL did not start; its log is in " + settings.dataDir().resolve("postgres/logs"));
            throw new StartFailure("PostgreSQL");
        }
    }

    public void startEjabberd() {
        out.println("Starting ejabberd (domain " + settings.xmppDomain() + ", c2s 127.0.0.1:" + settings.xmppClientPort()
                + ", API 127.0.0.1:" + settings.xmppHttpPort() + ")");
        synchronized (this) {
            checkNotStopping();
            ejabberdStarted = true;
        }
        try {
            ejabberd.start();
        } catch (RuntimeException e) {
            err.println(e.getMessage());
            err.println("chatpipe: ejabberd did not start; its logs are in " + settings.dataDir().resolve("ejabberd/logs"));
            throw new StartFailure("ejabberd");
        }
    }

    /** xmpp-capture, which reads ejabberd's archive in PostgreSQL: its password in the environment, never on a command line. */
    public void startCapture() {
        startService("xmpp-capture", settings.capturePort(),
                Map.of("CHATPIPE_CAPTURE_ARCHIVE_PASSWORD", ejabberd.archive().password().get()), List.of());
    }

    /**
     * Starts the service's JVM and waits until its health is UP (history-service: until it answers a query too, as
     * a user would ask it; its health is UP only once its stores answer, this is the proof).
     */
    public void startService(String module, int port, Map<String, String> env, List<String> extraArgs) {
        Path log = settings.logDir().resolve(module + ".log");
        out.print("Starting " + module + " on 127.0.0.1:" + port + " ");
        String heap = module.equals("api-service") ? settings.apiHeap() : SERVICE_HEAP;
        // the whole heap from the start: a heap G1 grows and shrinks to a fraction of it kept the history-service
        // collecting every 2 s, each young collection also starting a marking cycle (measured in the bench)
        List<String> options = new ArrayList<>(JAVA_OPTIONS);
        options.add("-Xms" + heap);
        options.add("-Xmx" + heap);
        List<String> args = new ArrayList<>(List.of("--server.port=" + port,
                "--spring.kafka.bootstrap-servers=" + settings.kafkaServers()));
        args.addAll(settings.topicSettings());
        args.addAll(derivedSettings(module));
        args.addAll(extraArgs);
        ChildJvm jvm = jvm(module, Jars.exec(settings.root(), module), withGcLog(options, module), args, log, env);
        launch(jvm);
        awaitReady(jvm, log, Duration.ofMillis(500), () -> healthy(port)
                        && (!module.equals("history-service") || historyAnswers(port)),
                module + " (health not UP in " + settings.startTimeout().toSeconds() + "s)");
        out.println(" up");
    }

    /** Stops a service started by {@link #startService} (SIGTERM, or with {@code kill} a kill -9) and forgets it. */
    public void stopService(String module, boolean kill) {
        List<ChildJvm> matching;
        synchronized (this) {
            matching = started.stream().filter(jvm -> jvm.name().equals(module)).toList();
            started.removeAll(matching);
        }
        for (ChildJvm jvm : matching) {
            if (kill) {
                out.println("Killing " + module + " (kill -9)");
                jvm.kill();
            } else {
                stop(jvm);
            }
        }
    }

    /** The running process of a part started by this stack, by its name (a service's module). */
    public synchronized java.util.Optional<ProcessHandle> process(String name) {
        return started.stream().filter(jvm -> jvm.name().equals(name)).reduce((first, later) -> later)
                .flatMap(ChildJvm::handle).filter(ProcessHandle::isAlive);
    }

    /** What each service takes from the port and domain settings. */
    private List<String> derivedSettings(String module) {
        return switch (module) {
            case "api-service" -> List.of("--chatpipe.api.history.url=http://127.0.0.1:" + settings.historyPort(),
                    "--chatpipe.api.xmpp.domain=" + settings.xmppDomain(),
                    "--chatpipe.api.xmpp.port=" + settings.xmppClientPort());
            case "xmpp-delivery-worker" -> List.of("--chatpipe.worker.xmpp-domain=" + settings.xmppDomain(),
                    "--chatpipe.worker.ejabberd.api-url=" + ejabberd.apiUrl(),
                    "--chatpipe.worker.smack.port=" + settings.xmppClientPort());
            case "xmpp-capture" -> List.of("--chatpipe.capture.xmpp-domain=" + settings.xmppDomain(),
                    "--chatpipe.capture.archive.port=" + settings.postgresPort());
            default -> List.of();
        };
    }

    /**
     * Blocks until a started part exits by itself: its name; or, once the stack is stopping (a part exits because it
     * was stopped), empty.
     */
    public java.util.Optional<String> awaitExit() {
        List<ChildJvm> parts;
        synchronized (this) {
            parts = List.copyOf(started);
        }
        CompletableFuture<?>[] exits = parts.stream()
                .map(jvm -> jvm.handle().orElseThrow().onExit().thenApply(any -> jvm.name()))
                .toArray(CompletableFuture[]::new);
        String exited = (String) CompletableFuture.anyOf(exits).join();
        return stopping ? java.util.Optional.empty() : java.util.Optional.of(exited);
    }

    /**
     * Stops everything this stack started, in order: the services (last started first), ejabberd, its PostgreSQL,
     * then the brokers, all at once, so that each hands its partitions over while the controllers still have a
     * majority (one by one, the last waited for a quorum that had stopped before it). Once: later calls return.
     */
    public void stop() {
        List<ChildJvm> parts;
        synchronized (this) {
            if (stopping) {
                return;
            }
            stopping = true;
            parts = new ArrayList<>(started);
        }
        List<ChildJvm> brokers = parts.stream().filter(RunStack::isBroker).toList();
        for (ChildJvm jvm : parts.reversed()) {
            if (!isBroker(jvm)) {
                stop(jvm);
            }
        }
        if (ejabberdStarted) {
            out.println("Stopping ejabberd");
            try {
                ejabberd.stop();
            } catch (RuntimeException e) {
                err.println(e.getMessage());
            }
        }
        if (postgresStarted) {   // after ejabberd, which writes its archive there
            out.println("Stopping PostgreSQL");
            try {
                postgres.stop();
            } catch (RuntimeException e) {
                err.println(e.getMessage());
            }
        }
        brokers.forEach(broker -> broker.handle().ifPresent(ProcessHandle::destroy));
        for (ChildJvm broker : brokers.reversed()) {
            stop(broker);
        }
        out.flush();
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

    private static boolean isBroker(ChildJvm jvm) {
        return jvm.name().startsWith("Kafka broker");
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
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(args);
        Map<String, String> environment = Map.copyOf(env);
        return new ChildJvm(name, command, log, () -> environment);
    }

    /** Starts the JVM, unless the stack is stopping already (a Ctrl-C while it started). */
    private synchronized void launch(ChildJvm jvm) {
        checkNotStopping();
        jvm.start();
        started.add(jvm);
    }

    private void checkNotStopping() {
        if (stopping) {
            throw new StartFailure("(stopping)");
        }
    }

    private List<String> withGcLog(List<String> options, String name) {
        List<String> all = new ArrayList<>(options);
        settings.gcLogDir().ifPresent(dir -> all.add("-Xlog:gc:file=" + dir.resolve(name + "-%p.log") + ":timemillis"));
        return all;
    }

    /** Polls until ready, a dot a second; fails when the JVM exits or the start timeout passes. */
    private void awaitReady(ChildJvm jvm, Path log, Duration poll, BooleanSupplier ready, String timeoutWhat) {
        long deadline = System.nanoTime() + settings.startTimeout().toNanos();
        long polls = 0;
        long perSecond = Duration.ofSeconds(1).dividedBy(poll);
        while (!ready.getAsBoolean()) {
            if (!jvm.isAlive()) {
                throw failure(jvm.name(), log);
            }
            if (System.nanoTime() > deadline) {
                throw failure(timeoutWhat, log);
            }
            if (++polls % perSecond == 0) {
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

    private boolean healthy(int port) {
        return get("http://127.0.0.1:" + port + "/actuator/health", null)
                .map(body -> body.contains("\"status\":\"UP\"")).orElse(false);
    }

    /** Whether history-service answers a query with 200, as a user would ask it (with the api-service's history key). */
    private boolean historyAnswers(int port) {
        Path keyFile = settings.dataDir().resolve("secrets/history-key");
        String key = null;
        try {
            if (Files.size(keyFile) > 0) {
                key = Files.readString(keyFile, StandardCharsets.UTF_8).strip();
            }
        } catch (IOException e) {
            // no key: ask without one
        }
        return get("http://127.0.0.1:" + port + "/api/v1/conversations/chatpipe-start/chatpipe-check/messages?limit=1",
                key).isPresent();
    }

    /** The body of a 2xx answer; empty for any other answer or none. */
    private java.util.Optional<String> get(String url, String bearer) {
        var request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() / 100 == 2 ? java.util.Optional.of(response.body()) : java.util.Optional.empty();
        } catch (IOException e) {
            return java.util.Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return java.util.Optional.empty();
        }
    }

    /** A random secret (256 bits, base64) made on first run and kept in {@code DATA_DIR/secrets}, readable by this user only. */
    String secret(String name) {
        Path dir = settings.dataDir().resolve("secrets");
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

    /** Prints where everything is, as {@code ./chatpipe run} did once all was up. */
    public void printSummary() {
        Path data = settings.dataDir();
        Path logs = settings.logDir();
        String domain = settings.xmppDomain();
        var summary = new StringBuilder();
        summary.append("\nchatpipe is running (Ctrl-C stops everything; data stays in ").append(data).append("):\n");
        if (settings.brokers() == 1) {
            summary.append(String.format("  %-22s %-26s %s%n", "Kafka (KRaft)", "127.0.0.1:" + settings.kafkaPort(),
                    "topics chat.messages, chat.deliveries, chat.users, chat.messages.dlq"));
        } else {
            summary.append(String.format("  %-22s %-26s %s%n", "Kafka broker 1", "127.0.0.1:" + settings.kafkaPort(),
                    "KRaft cluster of " + settings.brokers() + ": topics replicated " + settings.replicas()
                            + " times, min.insync.replicas " + settings.minInsyncReplicas()));
            for (int n = 2; n <= settings.brokers(); n++) {
                summary.append(String.format("  %-22s %-26s %s%n", "Kafka broker " + n, "127.0.0.1:" + settings.brokerPort(n),
                        "log " + logs.resolve("kafka-" + n + ".log")));
            }
        }
        summary.append("  XMPP (ejabberd)        127.0.0.1:").append(settings.xmppClientPort()).append("  domain ")
                .append(domain).append("   in-band registration open on loopback\n");
        summary.append("  ejabberd admin API     http://127.0.0.1:").append(settings.xmppHttpPort()).append("/api\n");
        summary.append("  PostgreSQL             127.0.0.1:").append(settings.postgresPort())
                .append("  database ejabberd, table archive (ejabberd's message archive)\n");
        summary.append("  api-service            http://127.0.0.1:").append(settings.apiPort())
                .append("         (health /actuator/health, metrics /actuator/prometheus)\n");
        summary.append("  history-service        http://127.0.0.1:").append(settings.historyPort()).append('\n');
        summary.append("  xmpp-delivery-worker   http://127.0.0.1:").append(settings.workerPort()).append('\n');
        summary.append("  xmpp-capture           http://127.0.0.1:").append(settings.capturePort())
                .append("         (replies, receipts, read markers from ejabberd's archive)\n");
        summary.append("  webhook-dispatcher     http://127.0.0.1:").append(settings.webhookPort())
                .append("         (webhook endpoints: POST /api/v1/webhooks on the api-service)\n");
        summary.append("  logs                   ").append(logs).append("/{kafka*,api-service,history-service,")
                .append("xmpp-delivery-worker,xmpp-capture,webhook-dispatcher}.log, ").append(data)
                .append("/{ejabberd,postgres}/logs\n\n");
        summary.append("API key for applications (kept in ").append(data).append("/secrets/api-key): ")
                .append(secret("api-key")).append("\n\n");
        summary.append("Try it: log in an XMPP client as bob@").append(domain).append(" (register in-band on 127.0.0.1:")
                .append(settings.xmppClientPort()).append("), then\n");
        summary.append("  curl -i -H \"Authorization: Bearer $(cat ").append(data).append("/secrets/api-key)\" ")
                .append("-H 'Content-Type: application/json' -d '{\"fromId\":\"alice\",\"toId\":\"bob\",")
                .append("\"message\":\"hello from chatpipe\"}' http://127.0.0.1:").append(settings.apiPort())
                .append("/api/v1/messages\n");
        summary.append("  curl -s -H \"Authorization: Bearer $(cat ").append(data).append("/secrets/api-key)\" ")
                .append("http://127.0.0.1:").append(settings.historyPort()).append("/api/v1/conversations/alice/bob/messages\n");
        out.print(summary);
        out.flush();
    }

    public RunSettings settings() {
        return settings;
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
