package io.chatpipe.testsupport;

import io.chatpipe.stack.StackScript;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;

/**
 * A Kafka cluster of real brokers on loopback, each a KRaft node (broker and controller) in a JVM of its own, run
 * by the launcher that {@code ./chatpipe run --brokers N} runs (local-stack's jar: a module whose tests use this
 * depends on local-stack, so that the build packages it first). {@link #kill} is a real {@code kill -9} of one
 * broker, {@link #restart} brings it back on its own data and ports. Every topic is replicated {@code min(N, 3)}
 * times and an acknowledged write waits for all copies but one: the settings the services take from
 * {@link #topicSettings()}, as {@code ./chatpipe run --brokers 3} passes them.
 */
public final class KafkaCluster implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    private static final String READY = "Kafka broker ready";

    private final Path dataDir;
    private final List<Node> nodes;
    private final int replicas;

    private KafkaCluster(Path dataDir, List<Node> nodes, int replicas) {
        this.dataDir = dataDir;
        this.nodes = nodes;
        this.replicas = replicas;
    }

    /** Starts {@code brokers} brokers with their data, logs and consoles in {@code dataDir}; returns once all are ready. */
    public static KafkaCluster start(int brokers, Path dataDir) {
        int replicas = Math.min(brokers, 3);
        // Kafka's form of a cluster id: 16 random bytes in URL-safe base64
        byte[] id = new byte[16];
        ThreadLocalRandom.current().nextBytes(id);
        String clusterId = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
        List<int[]> ports = IntStream.range(0, brokers).mapToObj(i -> new int[] {FreePorts.pick(), FreePorts.pick()})
                .toList();
        String voters = IntStream.range(0, brokers)
                .mapToObj(i -> (i + 1) + "@127.0.0.1:" + ports.get(i)[1]).collect(Collectors.joining(","));
        Path jar = launcher();
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < brokers; i++) {
            int nodeId = i + 1;
            nodes.add(new Node(nodeId, ports.get(i)[0], jar, dataDir, List.of(
                    "--data-dir=" + dataDir.resolve("broker-" + nodeId), "--port=" + ports.get(i)[0],
                    "--controller-port=" + ports.get(i)[1], "--log-file=" + dataDir.resolve("broker-" + nodeId + ".log"),
                    "--node-id=" + nodeId, "--voters=" + voters, "--cluster-id=" + clusterId,
                    "--replicas=" + replicas)));
        }
        var cluster = new KafkaCluster(dataDir, nodes, replicas);
        try {
            // all at once: a node is ready only once a majority of the controllers answer
            nodes.forEach(Node::launch);
            for (Node node : nodes) {
                node.awaitReady();
            }
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    public String bootstrapServers() {
        return nodes.stream().map(node -> "127.0.0.1:" + node.port).collect(Collectors.joining(","));
    }

    /** The topic catalogue's overrides for this cluster, as command-line arguments of a service. */
    public List<String> topicSettings() {
        return List.of("--chatpipe.topics.default.replicas=" + replicas,
                "--chatpipe.topics.default.min-insync-replicas=" + Math.max(1, replicas - 1));
    }

    /** The node id of the broker that leads this partition now. */
    public int leaderOf(String topic, int partition) {
        try (Admin admin = admin()) {
            return describeAll(admin, List.of(topic)).get(topic).partitions().get(partition).leader().id();
        }
    }

    /** {@code kill -9} of the broker with this node id: no shutdown hook, no controlled shutdown, no flush. */
    public void kill(int nodeId) throws InterruptedException {
        node(nodeId).kill();
    }

    /** Starts the broker with this node id again, on its data and ports; returns once it is ready. */
    public void restart(int nodeId) {
        Node node = node(nodeId);
        node.launch();
        node.awaitReady();
    }

    /** Partitions of every topic with fewer in-sync replicas than replicas, as the cluster's brokers report them. */
    public int underReplicatedPartitions() {
        try (Admin admin = admin()) {
            List<String> topics = List.copyOf(admin.listTopics().names().get(30, TimeUnit.SECONDS));
            return (int) describeAll(admin, topics).values().stream()
                    .flatMap(topic -> topic.partitions().stream())
                    .filter(partition -> partition.isr().size() < partition.replicas().size())
                    .count();
        } catch (Exception e) {
            throw new IllegalStateException("Could not describe the cluster's topics", e);
        }
    }

    @Override
    public void close() {
        for (Node node : nodes) {
            try {
                node.kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Node node(int nodeId) {
        return nodes.stream().filter(node -> node.id == nodeId).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no broker " + nodeId + " in " + dataDir));
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000));
    }

    private static Map<String, TopicDescription> describeAll(Admin admin, List<String> topics) {
        try {
            return admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Could not describe " + topics, e);
        }
    }

    /** local-stack's thin launcher jar, where the build leaves it (its libraries beside it in target/lib). */
    private static Path launcher() {
        Path target = StackScript.repositoryRoot(Path.of("")).resolve("local-stack/target");
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(file -> {
                String name = file.getFileName().toString();
                return name.startsWith("local-stack-") && name.endsWith(".jar") && !name.endsWith("-sources.jar");
            }).findFirst().orElseThrow(() -> new IllegalStateException("no local-stack jar in " + target
                    + ": the module that runs this cluster must depend on local-stack, so that it is packaged"));
        } catch (IOException e) {
            throw new UncheckedIOException("no " + target + ": package local-stack first", e);
        }
    }

    /** One broker: its JVM, started again on the same arguments after a kill. */
    private static final class Node {

        private final int id;
        private final int port;
        private final Path jar;
        private final Path dataDir;
        private final List<String> arguments;
        private Process process;
        private Path console;
        private int starts;

        Node(int id, int port, Path jar, Path dataDir, List<String> arguments) {
            this.id = id;
            this.port = port;
            this.jar = jar;
            this.dataDir = dataDir;
            this.arguments = arguments;
        }

        synchronized void launch() {
            List<String> command = new ArrayList<>(List.of(
                    ProcessHandle.current().info().command()
                            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()),
                    // three brokers beside the services under test on a small machine: a small heap each
                    "-Xms128m", "-Xmx384m", "-XX:+UseG1GC", "-XX:TieredStopAtLevel=1",
                    "--sun-misc-unsafe-memory-access=allow", "-jar", jar.toString()));
            command.addAll(arguments);
            try {
                Files.createDirectories(dataDir);
                console = dataDir.resolve("broker-" + id + ".console." + (++starts) + ".log");
                process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(console.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            } catch (IOException e) {
                throw new UncheckedIOException("Could not start Kafka broker " + id, e);
            }
        }

        void awaitReady() {
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                try {
                    if (Files.readString(console, StandardCharsets.UTF_8).contains(READY)) {
                        return;
                    }
                    if (!process.isAlive()) {
                        throw new IllegalStateException("Kafka broker " + id + " exited: "
                                + Files.readString(console, StandardCharsets.UTF_8));
                    }
                    Thread.sleep(200);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while Kafka broker " + id + " started", e);
                }
            }
            throw new IllegalStateException("Kafka broker " + id + " not ready in " + START_TIMEOUT + "; see " + console);
        }

        synchronized void kill() throws InterruptedException {
            if (process != null) {
                process.destroyForcibly();
                process.waitFor();
                process = null;
            }
        }
    }
}
