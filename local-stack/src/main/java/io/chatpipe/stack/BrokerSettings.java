package io.chatpipe.stack;

import java.nio.file.Path;
import java.util.Properties;

/**
 * Where the local broker listens and keeps its data. Parsed from {@code --name=value} arguments,
 * each with a working local default.
 *
 * @param dataDir        holds the kept cluster id, the generated server.properties and the Kafka logs
 * @param host           the only address the broker binds and advertises
 * @param port           the client (PLAINTEXT) port
 * @param controllerPort the KRaft controller port
 * @param logFile        the broker's own log; the console gets a line or two
 * @param nodeId         this broker's id in its cluster
 * @param voters         the controllers of the cluster, {@code id@host:port,...}; empty: this broker alone
 * @param clusterId      the cluster's id, which every broker of a cluster is formatted with; empty: one made on
 *                       first start and kept in the data directory
 * @param replicas       how many copies of Kafka's internal topics (consumer offsets, transactions) and of a topic
 *                       created without a replication factor the cluster keeps; 1 for one broker
 */
record BrokerSettings(Path dataDir, String host, int port, int controllerPort, Path logFile, int nodeId,
        String voters, String clusterId, int replicas) {

    static final String USAGE = """
            usage: java -jar local-stack.jar [--data-dir=DIR] [--host=127.0.0.1] [--port=9092]
                                             [--controller-port=9093] [--log-file=DIR/broker.log]
                                             [--node-id=1 --voters=1@HOST:PORT,2@HOST:PORT,... --cluster-id=ID
                                              --replicas=3]
            Runs one Apache Kafka broker in KRaft mode (broker and controller in one process) until stopped:
            alone, or one node of a cluster whose controllers are the voters (each node a process of its own).""";

    BrokerSettings {
        dataDir = dataDir.toAbsolutePath().normalize();
        logFile = logFile.toAbsolutePath().normalize();
        if (port == controllerPort) {
            throw new IllegalArgumentException("--port and --controller-port must differ, both are " + port);
        }
        if (voters.isEmpty()) {
            voters = nodeId + "@" + host + ":" + controllerPort;
        }
        if (!voters.matches("\\d+@[^,@\\s]+:\\d+(,\\d+@[^,@\\s]+:\\d+)*")) {
            throw new IllegalArgumentException("--voters is id@host:port,... , not '" + voters + "'");
        }
        if (!(',' + voters).contains(',' + Integer.toString(nodeId) + '@')) {
            throw new IllegalArgumentException("--voters must name this node (--node-id=" + nodeId + "): " + voters);
        }
        if (replicas < 1 || replicas > voters.split(",").length) {
            throw new IllegalArgumentException("--replicas must be between 1 and the number of voters ("
                    + voters.split(",").length + "), not " + replicas);
        }
    }

    /** One broker alone, as before a cluster was asked for. */
    BrokerSettings(Path dataDir, String host, int port, int controllerPort, Path logFile) {
        this(dataDir, host, port, controllerPort, logFile, 1, "", "", 1);
    }

    static BrokerSettings parse(String... args) {
        Path dataDir = Path.of(".data", "kafka");
        String host = "127.0.0.1";
        int port = 9092;
        int controllerPort = 9093;
        Path logFile = null;
        int nodeId = 1;
        String voters = "";
        String clusterId = "";
        int replicas = 1;
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException("expected --name=value, got '" + arg + "'");
            }
            String value = arg.substring(eq + 1);
            switch (arg.substring(2, eq)) {
                case "data-dir" -> dataDir = Path.of(value);
                case "host" -> host = value;
                case "port" -> port = port(arg, value);
                case "controller-port" -> controllerPort = port(arg, value);
                case "log-file" -> logFile = Path.of(value);
                case "node-id" -> nodeId = number(arg, value);
                case "voters" -> voters = value;
                case "cluster-id" -> clusterId = value;
                case "replicas" -> replicas = number(arg, value);
                default -> throw new IllegalArgumentException("unknown option '" + arg + "'");
            }
        }
        return new BrokerSettings(dataDir, host, port, controllerPort,
                logFile != null ? logFile : dataDir.resolve("broker.log"), nodeId, voters, clusterId, replicas);
    }

    private static int number(String arg, String value) {
        try {
            int number = Integer.parseInt(value);
            if (number >= 0) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below with the argument that carried it
        }
        throw new IllegalArgumentException("not a number: '" + arg + "'");
    }

    private static int port(String arg, String value) {
        try {
            int port = Integer.parseInt(value);
            if (port > 0 && port < 65536) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below with the argument that carried it
        }
        throw new IllegalArgumentException("not a port: '" + arg + "'");
    }

    String bootstrapServers() {
        return host + ":" + port;
    }

    /** The directory Kafka calls its log: the partitions and the KRaft metadata. */
    Path kafkaLogDir() {
        return dataDir.resolve("kraft-combined-logs");
    }

    Path clusterIdFile() {
        return dataDir.resolve("cluster.id");
    }

    Path serverPropertiesFile() {
        return dataDir.resolve("server.properties");
    }

    /**
     * A combined broker and controller with a static quorum: this one voter alone, or the cluster's voters. Static
     * rather than a dynamic ({@code --standalone}) quorum because a dynamic quorum records the controller's address
     * in the metadata log: a later run on another controller port would then not find itself. Topics are not
     * auto-created: the services declare theirs with the partitions and policies they need (chat.users
     * compacted, chat.messages kept forever), and an auto-created topic would silently lack them.
     */
    Properties serverProperties() {
        var props = new Properties();
        props.setProperty("process.roles", "broker,controller");
        props.setProperty("node.id", Integer.toString(nodeId));
        props.setProperty("controller.quorum.voters", voters);
        props.setProperty("listeners", "PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort);
        props.setProperty("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
        props.setProperty("controller.listener.names", "CONTROLLER");
        props.setProperty("inter.broker.listener.name", "PLAINTEXT");
        props.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.setProperty("log.dirs", kafkaLogDir().toString());
        props.setProperty("auto.create.topics.enable", "false");
        props.setProperty("num.partitions", "4");
        // the internal topics (consumer offsets, transactions for exactly-once, share groups) are copied as often as
        // chatpipe's (one broker: one copy); an acknowledged write waits for all copies but one, at least one
        String copies = Integer.toString(replicas);
        String inSync = Integer.toString(Math.max(1, replicas - 1));
        props.setProperty("default.replication.factor", copies);
        props.setProperty("min.insync.replicas", inSync);
        props.setProperty("offsets.topic.replication.factor", copies);
        props.setProperty("transaction.state.log.replication.factor", copies);
        props.setProperty("transaction.state.log.min.isr", inSync);
        props.setProperty("share.coordinator.state.topic.replication.factor", copies);
        props.setProperty("share.coordinator.state.topic.min.isr", inSync);
        // a single local consumer group member should not wait three seconds for company
        props.setProperty("group.initial.rebalance.delay.ms", "0");
        return props;
    }
}
