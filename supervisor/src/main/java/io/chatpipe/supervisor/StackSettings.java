package io.chatpipe.supervisor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a {@link LocalStack} starts, and where: {@code ./chatpipe run}'s (from the {@code CHATPIPE_*} variables and
 * {@code --brokers N}), the bench's, the chaos run's and the tests'.
 *
 * @param root         the repository, whose modules' target directories hold the jars
 * @param dataDir      Kafka's data, history-service's stores, ejabberd's and PostgreSQL's data, the secrets, the logs
 * @param brokers      1: one broker; more: a KRaft cluster, every topic replicated {@code min(brokers, 3)} times
 * @param instances    how many of each service, each with its own port, log and history-service state directory
 * @param xmppDomain   the XMPP domain of the ejabberd the stack starts
 * @param externalXmpp an XMPP server that runs already (the tests'), which the stack neither starts nor finally
 *                     stops; none: the stack starts ejabberd and its archive's PostgreSQL in the data directory
 * @param apiKeys      the api-service requires one of these (history-service too, with roles audit and admin); none:
 *                     both take requests without a key
 * @param services     the services {@link LocalStack#start()} starts
 * @param heap         each service's heap (all of it from the start), the api-service's aside
 * @param jvmOptions   more options for each service's JVM
 * @param confirmBy    the worker's {@code chatpipe.worker.ejabberd.confirm-by}: {@code archive} (run's) or
 *                     {@code sessions}
 * @param gcLogDir     where each JVM logs its GC pauses (the bench's report); none for a run
 */
public record StackSettings(Path root, Path dataDir, Ports ports, int brokers, int instances, String xmppDomain,
        Optional<XmppServerControl> externalXmpp, List<ApiKey> apiKeys, Set<Service> services, String heap,
        String apiHeap, List<String> jvmOptions, String confirmBy, Duration startTimeout, Duration stopTimeout,
        Optional<Path> gcLogDir) {

    /** The most brokers {@code --brokers} takes. */
    static final int MAX_BROKERS = 99;

    public StackSettings {
        if (brokers < 1 || brokers > MAX_BROKERS) {
            throw new IllegalArgumentException("--brokers takes a number of brokers (1 to 99), not '" + brokers + "'");
        }
        if (instances < 1 || instances > 9 || instances > 1 && ports.instanceStep() == 0) {
            throw new IllegalArgumentException("instances are 1 to 9, each on ports of its own, not " + instances);
        }
        if (!confirmBy.equals("archive") && !confirmBy.equals("sessions")) {
            throw new IllegalArgumentException("confirm-by is archive or sessions, not " + confirmBy);
        }
        apiKeys = List.copyOf(apiKeys);
        services = Set.copyOf(services);
        jvmOptions = List.copyOf(jvmOptions);
    }

    /**
     * One broker and one of each service, as {@code ./chatpipe run} starts them, on its own ejabberd, without API keys,
     * 512 MB each, 180 s to start a part and 60 s to stop one.
     */
    public static StackSettings of(Path root, Path dataDir, Ports ports) {
        return new StackSettings(root, dataDir, ports, 1, 1, "localhost", Optional.empty(), List.of(),
                EnumSet.allOf(Service.class), "512m", "512m", List.of(), "archive", Duration.ofSeconds(180),
                Duration.ofSeconds(60), Optional.empty());
    }

    /**
     * {@code ./chatpipe run}'s: the environment as the script has left it ({@code CHATPIPE_DATA_DIR} made absolute),
     * and the {@code run} command's own options.
     */
    public static StackSettings fromEnvironment(Map<String, String> env, Path root, List<String> options) {
        int brokers = 1;
        for (int i = 0; i < options.size(); i++) {
            String option = options.get(i);
            if (option.equals("--brokers")) {
                if (i + 1 >= options.size()) {
                    throw new IllegalArgumentException("--brokers needs a number, e.g. --brokers 3");
                }
                brokers = brokers(options.get(++i));
            } else if (option.startsWith("--brokers=")) {
                brokers = brokers(option.substring("--brokers=".length()));
            } else {
                throw new IllegalArgumentException("unknown option for run: '" + option + "' (./chatpipe help)");
            }
        }
        Path dataDir = root.resolve(env.getOrDefault("CHATPIPE_DATA_DIR", root.resolve(".data").toString()))
                .toAbsolutePath().normalize();
        Ports run = Ports.RUN;
        var ports = new Ports(port(env, "CHATPIPE_KAFKA_PORT", run.kafka()),
                port(env, "CHATPIPE_KAFKA_CONTROLLER_PORT", run.kafkaController()),
                port(env, "CHATPIPE_KAFKA_CLUSTER_PORT", run.kafkaCluster()),
                port(env, "CHATPIPE_XMPP_C2S_PORT", run.xmppClient()), port(env, "CHATPIPE_XMPP_HTTP_PORT", run.xmppHttp()),
                port(env, "CHATPIPE_POSTGRES_PORT", run.postgres()), port(env, "CHATPIPE_API_PORT", run.api()),
                port(env, "CHATPIPE_HISTORY_PORT", run.history()), port(env, "CHATPIPE_WORKER_PORT", run.worker()),
                port(env, "CHATPIPE_CAPTURE_PORT", run.capture()), port(env, "CHATPIPE_WEBHOOK_PORT", run.webhooks()),
                run.instanceStep());
        return of(root, dataDir, ports).withBrokers(brokers)
                .withXmppDomain(env.getOrDefault("CHATPIPE_XMPP_DOMAIN", "localhost"))
                .withHeap("512m", env.getOrDefault("CHATPIPE_API_HEAP", "512m"), List.of())
                .withTimeouts(Duration.ofSeconds(number(env, "CHATPIPE_START_TIMEOUT", 180)),
                        Duration.ofSeconds(number(env, "CHATPIPE_STOP_TIMEOUT", 60)));
    }

    private static int brokers(String value) {
        if (!value.matches("[1-9][0-9]?")) {
            throw new IllegalArgumentException("--brokers takes a number of brokers (1 to 99), not '" + value + "'");
        }
        return Integer.parseInt(value);
    }

    private static int port(Map<String, String> env, String name, int fallback) {
        int port = number(env, name, fallback);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(name + " is a port (1 to 65535), not " + port);
        }
        return port;
    }

    private static int number(Map<String, String> env, String name, int fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " is a number, not '" + value + "'");
        }
    }

    public StackSettings withBrokers(int brokers) {
        return new StackSettings(root, dataDir, ports, brokers, instances, xmppDomain, externalXmpp, apiKeys, services,
                heap, apiHeap, jvmOptions, confirmBy, startTimeout, stopTimeout, gcLogDir);
    }

    public StackSettings withInstances(int instances) {
        return new StackSettings(root, dataDir, ports, brokers, instances, xmppDomain, externalXmpp, apiKeys, services,
                heap, apiHeap, jvmOptions, confirmBy, startTimeout, stopTimeout, gcLogDir);
    }

    public StackSettings withXmppDomain(String domain) {
        return new StackSettings(root, dataDir, ports, brokers, instances, domain, externalXmpp, apiKeys, services,
                heap, apiHeap, jvmOptions, confirmBy, startTimeout, stopTimeout, gcLogDir);
    }

    /** On an XMPP server that runs already, which the stack neither starts nor stops (a fault may). */
    public StackSettings withExternalXmpp(XmppServerControl xmpp) {
        return new StackSettings(root, dataDir, ports, brokers, instances, xmpp.domain(), Optional.of(xmpp), apiKeys,
                services, heap, apiHeap, jvmOptions, confirmBy, startTimeout, stopTimeout, gcLogDir);
    }

    public StackSettings withApiKeys(List<ApiKey> keys) {
        return new StackSettings(root, dataDir, ports, brokers, instances, xmppDomain, externalXmpp, keys, services,
                heap, apiHeap, jvmOptions, confirmBy, startTimeout, stopTimeout, gcLogDir);
    }

    public StackSettings withServices(Set<Service> started) {
        return new StackSettings(root, dataDir, ports, brokers, instances, xmppDomain, externalXmpp, apiKeys, started,
                heap, apiHeap, jvmOptions, confirmBy, startTimeout, stopTimeout, gcLogDir);
    }

    /** Each service's heap, the api-service's, and more options for each service's JVM. */
    public StackSettings withHeap(String heap, String apiHeap, List<String> jvmOptions) {
        return new StackSettings(root, dataDir, ports, brokers, instances, xmppDomain, externalXmpp, apiKeys, services,
                heap, apiHeap, jvmOptions, confirmBy, startTimeout, stopTimeout, gcLogDir);
    }

    public StackSettings withConfirmBy(String confirmBy) {
        return new StackSettings(root, dataDir, ports, brokers, instances, xmppDomain, externalXmpp, apiKeys, services,
                heap, apiHeap, jvmOptions, confirmBy, startTimeout, stopTimeout, gcLogDir);
    }

    /** How long each part may take to come up, and to stop before it is killed. */
    public StackSettings withTimeouts(Duration start, Duration stop) {
        return new StackSettings(root, dataDir, ports, brokers, instances, xmppDomain, externalXmpp, apiKeys, services,
                heap, apiHeap, jvmOptions, confirmBy, start, stop, gcLogDir);
    }

    /** The same stack, its JVMs logging their GC pauses into the directory. */
    public StackSettings withGcLogs(Path dir) {
        return new StackSettings(root, dataDir, ports, brokers, instances, xmppDomain, externalXmpp, apiKeys, services,
                heap, apiHeap, jvmOptions, confirmBy, startTimeout, stopTimeout, Optional.of(dir));
    }

    public Path logDir() {
        return dataDir.resolve("logs");
    }

    /** Every broker's address: what the services bootstrap from. */
    public String kafkaServers() {
        List<String> servers = new ArrayList<>();
        for (int n = 1; n <= brokers; n++) {
            servers.add("127.0.0.1:" + ports.broker(n));
        }
        return String.join(",", servers);
    }

    /** How many copies of each topic: min(brokers, 3). */
    int replicas() {
        return Math.min(brokers, 3);
    }

    int minInsyncReplicas() {
        return replicas() > 1 ? replicas() - 1 : 1;
    }

    /** The topic catalogue's overrides for a cluster (Streams' internal topics too), for every service; none for one broker. */
    List<String> topicSettings() {
        return brokers == 1 ? List.of() : List.of("--chatpipe.topics.default.replicas=" + replicas(),
                "--chatpipe.topics.default.min-insync-replicas=" + minInsyncReplicas());
    }

    /** Instance {@code i}'s name: the module's, numbered from 1 when there are several. */
    String name(Service service, int instance) {
        return service.module() + (instances > 1 ? "-" + (instance + 1) : "");
    }

    /** Each port the stack listens on, by what listens there, in the order a port conflict is reported. */
    Map<String, Integer> portsByName() {
        var named = new LinkedHashMap<String, Integer>();
        named.put("Kafka", ports.kafka());
        named.put("Kafka controller", ports.kafkaController());
        for (int n = 2; n <= brokers; n++) {
            named.put("Kafka broker " + n, ports.broker(n));
            named.put("Kafka broker " + n + " controller", ports.controller(n));
        }
        if (externalXmpp.isEmpty()) {
            named.put("XMPP c2s", ports.xmppClient());
            named.put("ejabberd HTTP", ports.xmppHttp());
            named.put("PostgreSQL", ports.postgres());
        }
        // every service's, those started later on demand (the bench's worker) too
        for (Service service : Service.values()) {
            for (int i = 0; i < instances; i++) {
                named.put(name(service, i), ports.of(service, i));
            }
        }
        return named;
    }
}
