package io.chatpipe.reliability.chaos;

import io.chatpipe.stack.StackScript;
import io.chatpipe.supervisor.ApiKey;
import io.chatpipe.supervisor.LocalStack;
import io.chatpipe.supervisor.Ports;
import io.chatpipe.supervisor.Service;
import io.chatpipe.supervisor.StackSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ./chatpipe chaos}: starts a whole stack of its own (its own data directory and ports), connects the
 * recipients' XMPP clients, drives the message stream while the faults happen one by one, then lets
 * {@link ChaosChecker} count what arrived where. The report goes to the console and, with the raw data, to
 * {@code DATA_DIR/results}. Exit status 0 when every guarantee held.
 */
public final class ChaosRun {

    private static final Logger log = LoggerFactory.getLogger(ChaosRun.class);

    static final String USAGE = """
            usage: java -jar reliability-tests.jar [--name=value ...]
              --messages=100000 --conversations=1000 --recipients=100 --rate=200 (messages per second)
              --faults=kill-api,kill-worker,kill-history,kill-capture,restart-kafka,stop-xmpp
                (with --brokers or --instances above 1, kill-kafka-leader and kill-one-of-each after kill-capture)
              --xmpp-outage=30s (how long stop-xmpp keeps ejabberd down, and kill-kafka-leader the killed broker)
              --brokers=1 (3: a KRaft cluster, every topic replicated 3 times, min.insync.replicas 2)
              --instances=1 (2: two of each service, api-service, worker, history-service, xmpp-capture)
              --reply-every=10 (each recipient's client answers every 10th message it receives; 0: never)
              --confirm-by=archive (the worker's proof of delivery: the recipient's archive row; or sessions)
              --give-up-after=120s (retries of one message)
              --settle-timeout=120s (at the end, wait for delivery until nothing new arrives for this long)
              --data-dir=.data/chaos (emptied first: kafka, postgres, ejabberd, history-service, logs, results, secrets)
              --kafka-port=29092 --kafka-controller-port=29093 --xmpp-c2s-port=25222 --xmpp-http-port=25280
              --postgres-port=25433 --kafka-cluster-port=29094 (brokers 2.. from here, two ports each)
              --instance-port-step=10 (instance i of a service listens on its port + 10 i) --api-port=28080 --history-port=28081
              --worker-port=28082 --capture-port=28083 --webhook-port=28084 (checked free, not started)
              --domain=localhost --start-timeout=180s --stop-timeout=60s (each part's, before a kill -9)
            SIGTERM or Ctrl-C stops the driver, then the stack in order.""";

    private ChaosRun() {
    }

    /** Runs the stream and the faults against a running stack, and checks; the stack is left running. */
    public static ChaosReport execute(LocalStack stack, ChaosSettings settings, ApiKey key, Path results)
            throws InterruptedException, IOException {
        return execute(stack, settings, new ChaosDriver(settings, stack.urls(Service.API), key), key, results);
    }

    private static ChaosReport execute(LocalStack stack, ChaosSettings settings, ChaosDriver driver, ApiKey key,
            Path results) throws InterruptedException, IOException {
        List<String> recipients = IntStream.range(0, settings.recipients()).mapToObj(settings::recipientNumber).toList();
        String password = randomSecret(18);
        try (XmppRecipients clients = XmppRecipients.connect(stack.xmpp(), settings, recipients, password)) {
            var faults = new FaultInjector(stack, settings.faults(), settings.xmppOutage());
            List<SentMessage> sent = driver.drive(faults);
            List<InjectedFault> injected = faults.awaitAll(Duration.ofMinutes(10));
            var checker = new ChaosChecker(settings, sent, clients::received, clients::replies, stack.kafkaBootstrap(),
                    stack.url(Service.HISTORY, 0), key.authorization(), stack.xmpp().domain());
            log.info("Stream over; waiting for delivery to settle, until nothing new arrives for {} ({} of {} "
                    + "recipients online)", settings.settleTimeout(), clients.online(), recipients.size());
            checker.awaitSettled(settings.settleTimeout());
            ChaosReport report = checker.check(injected);
            new ChaosChecker.RunFiles(settings, sent, clients.received(), clients.replies(), injected)
                    .write(results, report);
            return report;
        }
    }

    public static void main(String[] args) throws Exception {
        // Smack logs through java.util.logging, a stack trace for every connection the XMPP outage closes
        java.util.logging.LogManager.getLogManager().readConfiguration(new java.io.ByteArrayInputStream(
                "org.jivesoftware.level=SEVERE\norg.jivesoftware.smack.level=SEVERE\n".getBytes()));
        Map<String, String> options = options(args);
        if (options.containsKey("help")) {
            log.info("\n{}", USAGE);
            return;
        }
        Path root = options.containsKey("root") ? Path.of(options.get("root")) : StackScript.repositoryRoot(Path.of(""));
        Path dataDir = Path.of(options.getOrDefault("data-dir", root.resolve(".data/chaos").toString()))
                .toAbsolutePath();
        var ports = new Ports(port(options, "kafka-port", 29092), port(options, "kafka-controller-port", 29093),
                port(options, "kafka-cluster-port", 29094), port(options, "xmpp-c2s-port", 25222),
                port(options, "xmpp-http-port", 25280), port(options, "postgres-port", 25433),
                port(options, "api-port", 28080), port(options, "history-port", 28081),
                port(options, "worker-port", 28082), port(options, "capture-port", 28083),
                port(options, "webhook-port", 28084), intOption(options, "instance-port-step", 10));
        int brokers = intOption(options, "brokers", 1);
        int instances = intOption(options, "instances", 1);
        String faults = brokers > 1 || instances > 1
                ? "kill-api,kill-worker,kill-history,kill-capture,kill-kafka-leader,kill-one-of-each,restart-kafka,stop-xmpp"
                : "kill-api,kill-worker,kill-history,kill-capture,restart-kafka,stop-xmpp";
        var settings = new ChaosSettings(
                intOption(options, "messages", 100_000), intOption(options, "conversations", 1000),
                intOption(options, "recipients", 100), Double.parseDouble(options.getOrDefault("rate", "200")),
                duration(options, "give-up-after", "120s"), duration(options, "settle-timeout", "120s"),
                Arrays.stream(options.getOrDefault("faults", faults).split(","))
                        .filter(f -> !f.isBlank()).map(Fault::parse).toList(),
                duration(options, "xmpp-outage", "30s"), intOption(options, "reply-every", 10), randomRunId());
        ApiKey key = ApiKey.generate("chaos", List.of(), 1_000_000);
        // two of each service: eight JVMs beside the brokers, so a smaller heap each
        String heap = instances > 1 ? "384m" : "512m";
        var stack = new LocalStack(StackSettings.of(root, dataDir, ports).withBrokers(brokers).withInstances(instances)
                .withXmppDomain(options.getOrDefault("domain", "localhost")).withApiKeys(List.of(key))
                .withServices(EnumSet.of(Service.HISTORY, Service.API, Service.CAPTURE, Service.WORKER))
                .withHeap(heap, heap, List.of()).withConfirmBy(options.getOrDefault("confirm-by", "archive"))
                .withTimeouts(duration(options, "start-timeout", "180s"), duration(options, "stop-timeout", "60s")),
                System.out, System.err);
        stack.stopStaleXmpp();   // what a run killed outright left behind
        try {
            stack.requireFreePorts();
        } catch (LocalStack.StartFailure e) {
            System.exit(2);
        }
        clean(dataDir);
        var driver = new ChaosDriver(settings, stack.urls(Service.API), key);
        // SIGTERM, Ctrl-C, or the end: first no more requests, then the stack in order (its JVMs run in sessions of
        // their own, which a terminal's Ctrl-C does not reach)
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            driver.stop();
            stack.stop();
        }, "chaos-stop"));
        log.info("Chaos run {}: {} messages over {} conversations at {}/s, faults {}, the worker confirming by {}; "
                + "{} broker(s), {} instance(s) of each service; data in {}", settings.runId(), settings.messages(),
                settings.conversations(), settings.rate(), settings.faults().stream().map(Fault::label).toList(),
                stack.settings().confirmBy(), brokers, instances, dataDir);
        try {
            stack.start();
        } catch (LocalStack.StartFailure e) {
            System.exit(1);   // the stack has said why; the hook stops what had started
        }
        ChaosReport report = execute(stack, settings, driver, key, dataDir.resolve("results"));
        log.info("\n\n{}\nraw data and report: {}", report.toText(), dataDir.resolve("results"));
        System.exit(report.passed() ? 0 : 1);
    }

    /** Empties what a previous run left: a chaos run starts from nothing. */
    private static void clean(Path dataDir) throws IOException {
        List<Path> parts;
        try (Stream<Path> all = Files.exists(dataDir) ? Files.list(dataDir) : Stream.empty()) {
            // history-service-2 and the like of a run with two instances too
            parts = all.filter(dir -> List.of("kafka", "kafka-cluster", "postgres", "ejabberd", "history-service",
                    "history-service-cluster", "logs", "results", "secrets")
                    .contains(dir.getFileName().toString().replaceAll("-[0-9]+$", ""))).toList();
        }
        for (Path dir : parts) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
        Files.createDirectories(dataDir);
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (String arg : args) {
            if (arg.equals("--help") || arg.equals("-h")) {
                options.put("help", "");
                continue;
            }
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException("expected --name=value, got '" + arg + "'\n" + USAGE);
            }
            options.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        return options;
    }

    private static int intOption(Map<String, String> options, String name, int fallback) {
        return Integer.parseInt(options.getOrDefault(name, Integer.toString(fallback)).replace("_", ""));
    }

    private static int port(Map<String, String> options, String name, int fallback) {
        return intOption(options, name, fallback);
    }

    /** {@code 30s}, {@code 2m} or ISO-8601 ({@code PT30S}). */
    static Duration duration(Map<String, String> options, String name, String fallback) {
        String value = options.getOrDefault(name, fallback).strip().toLowerCase(java.util.Locale.ROOT);
        if (value.startsWith("pt")) {
            return Duration.parse(value.toUpperCase(java.util.Locale.ROOT));
        }
        long amount = Long.parseLong(value.replaceAll("[a-z]+$", ""));
        return switch (value.replaceAll("^[0-9]+", "")) {
            case "ms" -> Duration.ofMillis(amount);
            case "s", "" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> throw new IllegalArgumentException("--" + name + ": not a duration: " + value);
        };
    }

    static String randomRunId() {
        String letters = "abcdefghijklmnopqrstuvwxyz0123456789";
        var random = new SecureRandom();
        var id = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            id.append(letters.charAt(random.nextInt(letters.length())));
        }
        return id.toString();
    }

    static String randomSecret(int bytes) {
        byte[] secret = new byte[bytes];
        new SecureRandom().nextBytes(secret);
        return Base64.getEncoder().encodeToString(secret);
    }
}
