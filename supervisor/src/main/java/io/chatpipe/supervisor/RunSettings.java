package io.chatpipe.supervisor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code ./chatpipe run} starts, and where: the {@code CHATPIPE_*} variables with their working local defaults
 * (as {@code ./chatpipe help} lists them), and {@code --brokers N}.
 *
 * @param root        the repository, whose modules' target directories hold the jars
 * @param dataDir     Kafka's data, history-service's stores, ejabberd's and PostgreSQL's data, the secrets, the logs
 * @param brokers     1: one broker on {@code kafkaPort}; more: a KRaft cluster, the others from {@code clusterPort} up
 * @param apiHeap     the api-service's heap (the others' is 512m)
 * @param gcLogDir    where each JVM logs its GC pauses (the bench's report); none for a run
 */
public record RunSettings(Path root, Path dataDir, int kafkaPort, int kafkaControllerPort, int clusterPort,
        String xmppDomain, int xmppClientPort, int xmppHttpPort, int postgresPort, int apiPort, int historyPort,
        int workerPort, int capturePort, int webhookPort, String apiHeap, Duration startTimeout,
        Duration stopTimeout, int brokers, Optional<Path> gcLogDir) {

    /** The most brokers {@code --brokers} takes. */
    static final int MAX_BROKERS = 99;

    public RunSettings {
        if (brokers < 1 || brokers > MAX_BROKERS) {
            throw new IllegalArgumentException("--brokers takes a number of brokers (1 to 99), not '" + brokers + "'");
        }
    }

    /**
     * The settings from the environment, as the script has left it ({@code CHATPIPE_DATA_DIR} made absolute), and
     * the {@code run} command's own options.
     */
    public static RunSettings from(Map<String, String> env, Path root, List<String> options) {
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
        return new RunSettings(root, dataDir, port(env, "CHATPIPE_KAFKA_PORT", 9092),
                port(env, "CHATPIPE_KAFKA_CONTROLLER_PORT", 9093), port(env, "CHATPIPE_KAFKA_CLUSTER_PORT", 9094),
                env.getOrDefault("CHATPIPE_XMPP_DOMAIN", "localhost"), port(env, "CHATPIPE_XMPP_C2S_PORT", 5222),
                port(env, "CHATPIPE_XMPP_HTTP_PORT", 5280), port(env, "CHATPIPE_POSTGRES_PORT", 5433),
                port(env, "CHATPIPE_API_PORT", 8080), port(env, "CHATPIPE_HISTORY_PORT", 8081),
                port(env, "CHATPIPE_WORKER_PORT", 8082), port(env, "CHATPIPE_CAPTURE_PORT", 8083),
                port(env, "CHATPIPE_WEBHOOK_PORT", 8084), env.getOrDefault("CHATPIPE_API_HEAP", "512m"),
                Duration.ofSeconds(number(env, "CHATPIPE_START_TIMEOUT", 180)),
                Duration.ofSeconds(number(env, "CHATPIPE_STOP_TIMEOUT", 60)), brokers, Optional.empty());
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

    /** The same stack, its JVMs logging their GC pauses into the directory. */
    public RunSettings withGcLogs(Path dir) {
        return new RunSettings(root, dataDir, kafkaPort, kafkaControllerPort, clusterPort, xmppDomain, xmppClientPort,
                xmppHttpPort, postgresPort, apiPort, historyPort, workerPort, capturePort, webhookPort, apiHeap,
                startTimeout, stopTimeout, brokers, Optional.of(dir));
    }

    public Path logDir() {
        return dataDir.resolve("logs");
    }

    /** The client port of broker {@code n} (1 to {@link #brokers}). */
    int brokerPort(int n) {
        return n == 1 ? kafkaPort : clusterPort + 2 * (n - 2);
    }

    int brokerControllerPort(int n) {
        return n == 1 ? kafkaControllerPort : clusterPort + 2 * (n - 2) + 1;
    }

    /** Every broker's address: what the services bootstrap from. */
    String kafkaServers() {
        List<String> servers = new ArrayList<>();
        for (int n = 1; n <= brokers; n++) {
            servers.add("127.0.0.1:" + brokerPort(n));
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

    /** The topic catalogue's overrides for a cluster, passed to every service; none for one broker. */
    List<String> topicSettings() {
        return brokers == 1 ? List.of() : List.of("--chatpipe.topics.default.replicas=" + replicas(),
                "--chatpipe.topics.default.min-insync-replicas=" + minInsyncReplicas());
    }

    /** Each port, by what listens there, in the order a port conflict is reported. */
    Map<String, Integer> ports() {
        var ports = new java.util.LinkedHashMap<String, Integer>();
        ports.put("Kafka", kafkaPort);
        ports.put("Kafka controller", kafkaControllerPort);
        for (int n = 2; n <= brokers; n++) {
            ports.put("Kafka broker " + n, brokerPort(n));
            ports.put("Kafka broker " + n + " controller", brokerControllerPort(n));
        }
        ports.put("XMPP c2s", xmppClientPort);
        ports.put("ejabberd HTTP", xmppHttpPort);
        ports.put("PostgreSQL", postgresPort);
        ports.put("api-service", apiPort);
        ports.put("history-service", historyPort);
        ports.put("xmpp-delivery-worker", workerPort);
        ports.put("xmpp-capture", capturePort);
        ports.put("webhook-dispatcher", webhookPort);
        return ports;
    }
}
