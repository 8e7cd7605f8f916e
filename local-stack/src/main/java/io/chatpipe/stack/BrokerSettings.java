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
 */
record BrokerSettings(Path dataDir, String host, int port, int controllerPort, Path logFile) {

    static final String USAGE = """
            usage: java -jar local-stack.jar [--data-dir=DIR] [--host=127.0.0.1] [--port=9092]
                                             [--controller-port=9093] [--log-file=DIR/broker.log]
            Runs one Apache Kafka broker in KRaft mode (broker and controller in one process) until stopped.""";

    BrokerSettings {
        dataDir = dataDir.toAbsolutePath().normalize();
        logFile = logFile.toAbsolutePath().normalize();
        if (port == controllerPort) {
            throw new IllegalArgumentException("--port and --controller-port must differ, both are " + port);
        }
    }

    static BrokerSettings parse(String... args) {
        Path dataDir = Path.of(".data", "kafka");
        String host = "127.0.0.1";
        int port = 9092;
        int controllerPort = 9093;
        Path logFile = null;
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
                default -> throw new IllegalArgumentException("unknown option '" + arg + "'");
            }
        }
        return new BrokerSettings(dataDir, host, port, controllerPort,
                logFile != null ? logFile : dataDir.resolve("broker.log"));
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
     * A combined broker and controller with a static one-voter quorum. Static rather than a dynamic
     * ({@code --standalone}) quorum because a dynamic quorum records the controller's address in the
     * metadata log: a later run on another controller port would then not find itself. Topics are not
     * auto-created: the services declare theirs with the partitions and policies they need (chat.users
     * compacted, chat.messages kept forever), and an auto-created topic would silently lack them.
     */
    Properties serverProperties() {
        var props = new Properties();
        props.setProperty("process.roles", "broker,controller");
        props.setProperty("node.id", "1");
        props.setProperty("controller.quorum.voters", "1@" + host + ":" + controllerPort);
        props.setProperty("listeners", "PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort);
        props.setProperty("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
        props.setProperty("controller.listener.names", "CONTROLLER");
        props.setProperty("inter.broker.listener.name", "PLAINTEXT");
        props.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.setProperty("log.dirs", kafkaLogDir().toString());
        props.setProperty("auto.create.topics.enable", "false");
        props.setProperty("num.partitions", "4");
        props.setProperty("default.replication.factor", "1");
        props.setProperty("min.insync.replicas", "1");
        // one broker: the internal topics (consumer offsets, transactions for exactly-once, share groups) fit on it
        props.setProperty("offsets.topic.replication.factor", "1");
        props.setProperty("transaction.state.log.replication.factor", "1");
        props.setProperty("transaction.state.log.min.isr", "1");
        props.setProperty("share.coordinator.state.topic.replication.factor", "1");
        props.setProperty("share.coordinator.state.topic.min.isr", "1");
        // a single local consumer group member should not wait three seconds for company
        props.setProperty("group.initial.rebalance.delay.ms", "0");
        return props;
    }
}
