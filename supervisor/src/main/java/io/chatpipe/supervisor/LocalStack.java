package io.chatpipe.supervisor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * chatpipe's whole pipeline on loopback, as {@code ./chatpipe run} starts it: a Kafka broker (local-stack's
 * launcher), an XMPP server with its archive's database, and the services (xmpp-capture among them, the worker
 * confirming each delivery by the recipient's archive row that capture sees), each its own JVM from its jar with its output in
 * {@code DATA_DIR/logs}. Faults act on the real processes: {@link #kill(Service)} is a kill -9.
 *
 * <p>At a larger {@link Scale} the stack runs a Kafka cluster (replication and {@code min.insync.replicas} from
 * the topic catalogue's overrides, Kafka Streams' internal topics too) and several instances of each service,
 * each with its own port, log and, for history-service, state directory and {@code group.instance.id}; the
 * captures share the archive's slot, one reading and the others standing by.
 */
public final class LocalStack implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalStack.class);
    private static final String KAFKA_READY = "Kafka broker ready";

    /**
     * What to run.
     *
     * @param root         the repository, whose modules' target directories hold the jars
     * @param dataDir      Kafka's data, history-service's stores, the logs
     * @param ownsXmpp     whether this stack starts and finally stops the XMPP server, or finds it running
     * @param apiKeys      the api-service requires one of these; none: it takes messages without a key
     * @param passwordKey  base64 of the worker's provisioning password key (a secret: passed in the environment)
     * @param jvmOptions   for each service's JVM
     * @param startTimeout for each part to come up
     * @param confirmBy    the worker's {@code chatpipe.worker.ejabberd.confirm-by}: {@code archive}, as
     *                     {@code ./chatpipe run} starts it, or {@code sessions}, the way before capture
     */
    public record Settings(Path root, Path dataDir, Ports ports, XmppServerControl xmpp, boolean ownsXmpp,
            List<ApiKey> apiKeys, String passwordKey, List<String> jvmOptions, Duration startTimeout,
            String confirmBy) {

        public Settings {
            apiKeys = List.copyOf(apiKeys);
            jvmOptions = List.copyOf(jvmOptions);
            if (!confirmBy.equals("archive") && !confirmBy.equals("sessions")) {
                throw new IllegalArgumentException("confirm-by is archive or sessions, not " + confirmBy);
            }
        }

        /** The repository root above the working directory. */
        public static Path repositoryRoot() {
            return Jars.repositoryRoot(Path.of(""));
        }
    }

    private final Settings settings;
    private final Scale scale;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** Broker {@code n} at index {@code n - 1}. */
    private final List<ChildJvm> brokers = new ArrayList<>();
    /** Instance {@code i} at index {@code i}. */
    private final Map<Service, List<ChildJvm>> services = new EnumMap<>(Service.class);
    /** What the api-service shows history-service when it reads history for its chat page. */
    private final ApiKey historyKey = ApiKey.generate("api-service", List.of(), 1);
    private boolean storageRunning;
    private boolean xmppRunning;
    /** Set by {@link #close()}: a fault still under way then starts nothing that would outlive the stack. */
    private volatile boolean closed;

    public LocalStack(Settings settings) {
        this(settings, Scale.SINGLE);
    }

    public LocalStack(Settings settings, Scale scale) {
        this.settings = settings;
        this.scale = scale;
        Path logs = logDir();
        Ports ports = settings.ports();
        // Kafka's form of a cluster id: 16 random bytes in URL-safe base64
        byte[] id = new byte[16];
        new SecureRandom().nextBytes(id);
        String clusterId = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
        String voters = IntStream.rangeClosed(1, scale.brokers())
                .mapToObj(n -> n + "@127.0.0.1:" + scale.controllerPort(ports, n))
                .collect(Collectors.joining(","));
        for (int n = 1; n <= scale.brokers(); n++) {
            boolean cluster = scale.brokers() > 1;
            String file = cluster ? "kafka-" + n : "kafka";
            List<String> args = new ArrayList<>(List.of(
                    "--data-dir=" + (cluster ? settings.dataDir().resolve("kafka").resolve("broker-" + n)
                            : settings.dataDir().resolve("kafka")),
                    "--port=" + scale.brokerPort(ports, n), "--controller-port=" + scale.controllerPort(ports, n),
                    "--log-file=" + logs.resolve(file + ".log")));
            if (cluster) {
                args.addAll(List.of("--node-id=" + n, "--voters=" + voters, "--cluster-id=" + clusterId,
                        "--replicas=" + scale.replicas()));
            }
            brokers.add(new ChildJvm(cluster ? "Kafka broker " + n : "Kafka broker", Jars.kafka(settings.root()),
                    // the heap and G1 settings of ./chatpipe run's broker, from the same file
                    List.of("--sun-misc-unsafe-memory-access=allow",
                            "@" + settings.root().resolve("stack/kafka/jvm.options")),
                    args, logs.resolve(file + ".console.log"), Map::of));
        }
        for (Service service : Service.values()) {
            List<ChildJvm> instances = new ArrayList<>();
            for (int i = 0; i < scale.instances(); i++) {
                String name = service.module() + (scale.instances() > 1 ? "-" + (i + 1) : "");
                instances.add(new ChildJvm(name, Jars.service(settings.root(), service), settings.jvmOptions(),
                        arguments(service, i), logs.resolve(name + ".log"), () -> environment(service)));
            }
            services.put(service, List.copyOf(instances));
        }
    }

    private List<String> arguments(Service service, int instance) {
        List<String> args = new ArrayList<>(List.of("--server.port=" + port(service, instance),
                "--spring.kafka.bootstrap-servers=" + kafkaBootstrap()));
        if (scale.brokers() > 1) {
            // as ./chatpipe run --brokers N: the catalogue's replication for every topic, Streams' internal ones too
            args.add("--chatpipe.topics.default.replicas=" + scale.replicas());
            args.add("--chatpipe.topics.default.min-insync-replicas=" + Math.max(1, scale.replicas() - 1));
        }
        switch (service) {
            case API -> {
                args.add("--chatpipe.api.history.url=" + url(Service.HISTORY, instance));
                if (!settings.apiKeys().isEmpty()) {
                    args.add("--chatpipe.api.auth.required=true");
                    for (int i = 0; i < settings.apiKeys().size(); i++) {
                        args.addAll(settings.apiKeys().get(i).arguments(i));
                    }
                }
            }
            case HISTORY -> {
                args.add("--chatpipe.history.streams.state-dir=" + settings.dataDir()
                        .resolve("history-service" + (instance > 0 ? "-" + (instance + 1) : "")));
                if (scale.instances() > 1) {
                    // its own static membership: restarted after a kill -9, it takes its own partitions back
                    args.add("--chatpipe.history.streams.instance-id=history-" + (instance + 1));
                }
                if (!settings.apiKeys().isEmpty()) {
                    // as ./chatpipe run: the applications' keys read the audit and erase, the api-service has its own
                    args.add("--chatpipe.history.auth.required=true");
                    for (int i = 0; i < settings.apiKeys().size(); i++) {
                        args.addAll(settings.apiKeys().get(i).historyArguments(i, List.of("audit", "admin")));
                    }
                    args.addAll(historyKey.historyArguments(settings.apiKeys().size(), List.of()));
                }
            }
            case WORKER -> {
                args.add("--chatpipe.worker.xmpp-domain=" + settings.xmpp().domain());
                args.add("--chatpipe.worker.ejabberd.api-url=" + settings.xmpp().apiUrl());
                args.add("--chatpipe.worker.smack.port=" + settings.xmpp().clientPort());
                args.add("--chatpipe.worker.ejabberd.confirm-by=" + settings.confirmBy());
            }
            case CAPTURE -> {
                ArchiveAccess archive = settings.xmpp().archive();
                args.add("--chatpipe.capture.xmpp-domain=" + settings.xmpp().domain());
                args.add("--chatpipe.capture.archive.host=" + archive.host());
                args.add("--chatpipe.capture.archive.port=" + archive.port());
                args.add("--chatpipe.capture.archive.database=" + archive.database());
                args.add("--chatpipe.capture.archive.user=" + archive.user());
                args.add("--chatpipe.capture.archive.publication=" + archive.publication());
            }
        }
        return args;
    }

    /** Secrets go in the environment, not on a command line that {@code ps} shows. */
    private Map<String, String> environment(Service service) {
        if (service == Service.WORKER && settings.passwordKey() != null) {
            return Map.of("CHATPIPE_WORKER_PROVISIONING_PASSWORDKEY", settings.passwordKey());
        }
        if (service == Service.CAPTURE) {
            return Map.of("CHATPIPE_CAPTURE_ARCHIVE_PASSWORD", settings.xmpp().archive().password().get());
        }
        if (service == Service.API && !settings.apiKeys().isEmpty()) {
            return Map.of("CHATPIPE_API_HISTORY_APIKEY", historyKey.secret());
        }
        return Map.of();
    }

    /**
     * Starts Kafka, the XMPP server with its database (unless it runs already) and the services, each once it can
     * start: capture before the worker, whose deliveries wait for the archive evidence capture writes.
     */
    public void start() {
        startKafka();
        if (settings.ownsXmpp()) {
            settings.xmpp().startStorage();
            storageRunning = true;
            settings.xmpp().start();
            xmppRunning = true;
        }
        // history-service first: it declares every topic it reads (chat.messages, chat.deliveries, chat.reads),
        // and the api-service's live feed follows chat.deliveries, which otherwise only the worker declares
        startService(Service.HISTORY, 0);
        List<Runnable> rest = new ArrayList<>();
        for (int i = 0; i < scale.instances(); i++) {
            int instance = i;
            if (i > 0) {
                rest.add(() -> startService(Service.HISTORY, instance));
            }
            rest.add(() -> startService(Service.API, instance));
        }
        rest.add(() -> {
            // the first capture takes the archive's slot, the others stand by
            for (int i = 0; i < scale.instances(); i++) {
                startService(Service.CAPTURE, i);
            }
            for (int i = 0; i < scale.instances(); i++) {
                startService(Service.WORKER, i);
            }
        });
        try {
            CompletableFuture.allOf(rest.stream().map(CompletableFuture::runAsync).toArray(CompletableFuture[]::new))
                    .join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /** kill -9 of the service's (first) JVM; returns once it is gone. */
    public void kill(Service service) {
        kill(service, 0);
    }

    /** kill -9 of instance {@code i} (from 0) of the service; returns once it is gone. */
    public void kill(Service service, int instance) {
        ChildJvm jvm = services.get(service).get(instance);
        log.info("kill -9 {}", jvm.name());
        jvm.kill();
    }

    /** Starts the service's (first instance) again and waits until its health is UP. */
    public void startService(Service service) {
        startService(service, 0);
    }

    /** Starts instance {@code i} (from 0) of the service (again) and waits until its health is UP. */
    public void startService(Service service, int instance) {
        ChildJvm jvm = services.get(service).get(instance);
        refuseIfClosed(jvm);
        jvm.start();
        awaitUntil(jvm, () -> healthy(service, instance), "health UP on " + url(service, instance));
        log.info("{} is up on {}", jvm.name(), url(service, instance));
    }

    /** Stops the broker(s) (SIGTERM, as an operator restarts them) and starts them again on the same data. */
    public void restartKafka() {
        log.info("Restarting the Kafka broker(s)");
        CompletableFuture.allOf(brokers.stream().map(broker -> CompletableFuture.runAsync(broker::stop))
                .toArray(CompletableFuture[]::new)).join();
        startKafka();
    }

    /** kill -9 of broker {@code n} (its node id, from 1); returns once it is gone. */
    public void killBroker(int n) {
        ChildJvm broker = brokers.get(n - 1);
        log.info("kill -9 {}", broker.name());
        broker.kill();
    }

    /** Starts broker {@code n} again on its data and ports; returns once it is ready. */
    public void startBroker(int n) {
        ChildJvm broker = brokers.get(n - 1);
        refuseIfClosed(broker);
        long from = size(broker.log());
        broker.start();
        awaitUntil(broker, () -> readFrom(broker.log(), from).contains(KAFKA_READY), KAFKA_READY);
        log.info("{} ready again", broker.name());
    }

    public void stopXmpp() {
        log.info("Stopping the XMPP server");
        settings.xmpp().stop();
    }

    public void startXmpp() {
        if (closed) {
            throw new IllegalStateException("the stack is closed: the XMPP server is not started again");
        }
        settings.xmpp().start();
        log.info("The XMPP server is up again");
    }

    /** Every broker at once: a node of a cluster is ready only once a majority of the controllers answer. */
    private void startKafka() {
        refuseIfClosed(brokers.getFirst());
        long[] from = brokers.stream().mapToLong(broker -> size(broker.log())).toArray();
        brokers.forEach(ChildJvm::start);
        for (int n = 0; n < brokers.size(); n++) {
            ChildJvm broker = brokers.get(n);
            long offset = from[n];
            awaitUntil(broker, () -> readFrom(broker.log(), offset).contains(KAFKA_READY), KAFKA_READY);
        }
        log.info("Kafka ready on {}", kafkaBootstrap());
    }

    /** Whether the service's (first instance) answers its health endpoint with UP. */
    public boolean healthy(Service service) {
        return healthy(service, 0);
    }

    /** Whether instance {@code i} of the service answers its health endpoint with UP. */
    public boolean healthy(Service service, int instance) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url(service, instance)
                    + "/actuator/health")).timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().contains("\"UP\"");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public boolean isRunning(Service service) {
        return services.get(service).getFirst().isAlive();
    }

    private void awaitUntil(ChildJvm jvm, java.util.function.BooleanSupplier ready, String what) {
        long deadline = System.nanoTime() + settings.startTimeout().toNanos();
        while (!ready.getAsBoolean()) {
            if (!jvm.isAlive()) {
                throw new IllegalStateException(jvm.name() + " exited while starting; the end of " + jvm.log()
                        + ":\n" + jvm.tail(40));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(jvm.name() + ": no " + what + " within " + settings.startTimeout()
                        + "; the end of " + jvm.log() + ":\n" + jvm.tail(40));
            }
            sleep(Duration.ofMillis(250));
        }
    }

    public int port(Service service) {
        return port(service, 0);
    }

    /** The port of instance {@code i} (from 0) of the service. */
    public int port(Service service, int instance) {
        Ports ports = settings.ports();
        return scale.instancePort(switch (service) {
            case API -> ports.api();
            case HISTORY -> ports.history();
            case WORKER -> ports.worker();
            case CAPTURE -> ports.capture();
        }, instance);
    }

    /** {@code http://127.0.0.1:PORT} of the service (its first instance). */
    public String url(Service service) {
        return url(service, 0);
    }

    /** {@code http://127.0.0.1:PORT} of instance {@code i} (from 0) of the service. */
    public String url(Service service, int instance) {
        return "http://127.0.0.1:" + port(service, instance);
    }

    /** Every instance's {@code http://127.0.0.1:PORT} of the service. */
    public List<String> urls(Service service) {
        return IntStream.range(0, scale.instances()).mapToObj(i -> url(service, i)).toList();
    }

    /** How many instances of each service. */
    public int instances() {
        return scale.instances();
    }

    /** How many Kafka brokers (node ids 1 to this). */
    public int brokers() {
        return scale.brokers();
    }

    /** Every broker, as a client's bootstrap list. */
    public String kafkaBootstrap() {
        return IntStream.rangeClosed(1, scale.brokers())
                .mapToObj(n -> "127.0.0.1:" + scale.brokerPort(settings.ports(), n))
                .collect(Collectors.joining(","));
    }

    public XmppServerControl xmpp() {
        return settings.xmpp();
    }

    public Settings settings() {
        return settings;
    }

    public Path logDir() {
        return settings.dataDir().resolve("logs");
    }

    /** Every log file this stack's processes wrote. */
    public List<Path> logFiles() {
        try (var files = Files.walk(logDir())) {
            return files.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the services (at once), then the XMPP server and its database (when this stack started them), then Kafka. */
    @Override
    public synchronized void close() {
        closed = true;
        CompletableFuture.allOf(services.values().stream().flatMap(List::stream)
                .map(jvm -> CompletableFuture.runAsync(jvm::stop)).toArray(CompletableFuture[]::new)).join();
        if (settings.ownsXmpp() && xmppRunning) {
            try {
                settings.xmpp().stop();
            } catch (RuntimeException e) {
                log.warn("Could not stop the XMPP server: {}", e.toString());
            }
        }
        if (settings.ownsXmpp() && storageRunning) {
            try {
                settings.xmpp().stopStorage();
            } catch (RuntimeException e) {
                log.warn("Could not stop the XMPP server's database: {}", e.toString());
            }
        }
        CompletableFuture.allOf(brokers.stream().map(broker -> CompletableFuture.runAsync(broker::stop))
                .toArray(CompletableFuture[]::new)).join();
    }

    private void refuseIfClosed(ChildJvm jvm) {
        if (closed) {
            throw new IllegalStateException("the stack is closed: " + jvm.name() + " is not started again");
        }
    }

    private static long size(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static String readFrom(Path file, long offset) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            return new String(bytes, (int) Math.min(offset, bytes.length), (int) Math.max(0, bytes.length - offset),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
