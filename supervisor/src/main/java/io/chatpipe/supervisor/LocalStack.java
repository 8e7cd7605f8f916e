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
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * chatpipe's whole pipeline on loopback, as {@code ./chatpipe run} starts it: a Kafka broker (local-stack's
 * launcher), an XMPP server with its archive's database, and the services (xmpp-capture among them, the worker
 * confirming each delivery by the recipient's archive row that capture sees), each its own JVM from its jar with its output in
 * {@code DATA_DIR/logs}. Faults act on the real processes: {@link #kill(Service)} is a kill -9.
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
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ChildJvm kafka;
    private final Map<Service, ChildJvm> services = new EnumMap<>(Service.class);
    /** What the api-service shows history-service when it reads history for its chat page. */
    private final ApiKey historyKey = ApiKey.generate("api-service", List.of(), 1);
    private boolean storageRunning;
    private boolean xmppRunning;

    public LocalStack(Settings settings) {
        this.settings = settings;
        Path logs = logDir();
        Ports ports = settings.ports();
        this.kafka = new ChildJvm("Kafka broker", Jars.kafka(settings.root()),
                // the heap and G1 settings of ./chatpipe run's broker, from the same file
                List.of("--sun-misc-unsafe-memory-access=allow",
                        "@" + settings.root().resolve("stack/kafka/jvm.options")),
                List.of("--data-dir=" + settings.dataDir().resolve("kafka"), "--port=" + ports.kafka(),
                        "--controller-port=" + ports.kafkaController(), "--log-file=" + logs.resolve("kafka.log")),
                logs.resolve("kafka.console.log"), Map::of);
        for (Service service : Service.values()) {
            services.put(service, new ChildJvm(service.module(), Jars.service(settings.root(), service),
                    settings.jvmOptions(), arguments(service), logs.resolve(service.module() + ".log"),
                    () -> environment(service)));
        }
    }

    private List<String> arguments(Service service) {
        Ports ports = settings.ports();
        List<String> args = new ArrayList<>(List.of("--server.port=" + port(service),
                "--spring.kafka.bootstrap-servers=" + kafkaBootstrap()));
        switch (service) {
            case API -> {
                args.add("--chatpipe.api.history.url=" + url(Service.HISTORY));
                if (!settings.apiKeys().isEmpty()) {
                    args.add("--chatpipe.api.auth.required=true");
                    for (int i = 0; i < settings.apiKeys().size(); i++) {
                        args.addAll(settings.apiKeys().get(i).arguments(i));
                    }
                }
            }
            case HISTORY -> {
                args.add("--chatpipe.history.streams.state-dir=" + settings.dataDir().resolve("history-service"));
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
        startService(Service.HISTORY);
        try {
            CompletableFuture.allOf(
                    CompletableFuture.runAsync(() -> startService(Service.API)),
                    CompletableFuture.runAsync(() -> {
                        startService(Service.CAPTURE);
                        startService(Service.WORKER);
                    })).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /** kill -9 of the service's JVM; returns once it is gone. */
    public void kill(Service service) {
        log.info("kill -9 {}", service.module());
        services.get(service).kill();
    }

    /** Starts the service (again) and waits until its health is UP. */
    public void startService(Service service) {
        ChildJvm jvm = services.get(service);
        jvm.start();
        awaitUntil(jvm, () -> healthy(service), "health UP on " + url(service));
        log.info("{} is up on {}", service.module(), url(service));
    }

    /** Stops the broker (SIGTERM, as an operator restarts it) and starts it again on the same data. */
    public void restartKafka() {
        log.info("Restarting the Kafka broker");
        kafka.stop();
        startKafka();
    }

    public void stopXmpp() {
        log.info("Stopping the XMPP server");
        settings.xmpp().stop();
    }

    public void startXmpp() {
        settings.xmpp().start();
        log.info("The XMPP server is up again");
    }

    private void startKafka() {
        long from = size(kafka.log());
        kafka.start();
        awaitUntil(kafka, () -> readFrom(kafka.log(), from).contains(KAFKA_READY), KAFKA_READY);
        log.info("Kafka broker ready on {}", kafkaBootstrap());
    }

    /** Whether the service answers its health endpoint with UP. */
    public boolean healthy(Service service) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url(service)
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
        return services.get(service).isAlive();
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
        Ports ports = settings.ports();
        return switch (service) {
            case API -> ports.api();
            case HISTORY -> ports.history();
            case WORKER -> ports.worker();
            case CAPTURE -> ports.capture();
        };
    }

    /** {@code http://127.0.0.1:PORT} of the service. */
    public String url(Service service) {
        return "http://127.0.0.1:" + port(service);
    }

    public String kafkaBootstrap() {
        return "127.0.0.1:" + settings.ports().kafka();
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
        CompletableFuture.allOf(services.values().stream()
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
        kafka.stop();
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
