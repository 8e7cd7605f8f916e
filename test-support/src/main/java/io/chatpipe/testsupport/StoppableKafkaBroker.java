package io.chatpipe.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.network.ListenerName;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * A real Kafka broker of a test's own, which the test stops and starts again, to see what the services do while
 * Kafka is away. Kafka's test kit binds a new port on each start, so the broker is reached through a fixed
 * loopback port that this class relays to whichever broker runs, and which the broker advertises as its address:
 * the services' clients keep one bootstrap address, as they would with a real broker restarted on its host.
 * A restarted broker is a new, empty cluster: enough to see reachability come back, not for data.
 * The shared {@link KafkaBroker} stays up for the other tests of the JVM.
 */
public final class StoppableKafkaBroker implements AutoCloseable {

    private final ServerSocket front;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile EmbeddedKafkaKraftBroker broker;
    private volatile int brokerPort;

    public StoppableKafkaBroker() {
        try {
            front = new ServerSocket(FreePorts.pick(), 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread.ofVirtual().name("kafka-relay-accept").start(this::accept);
        start();
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + front.getLocalPort();
    }

    public synchronized void start() {
        if (broker == null) {
            var started = new EmbeddedKafkaKraftBroker(1, KafkaBroker.PARTITIONS);
            started.brokerProperties(Map.of(
                    "advertised.listeners", "EXTERNAL://" + bootstrapServers(),
                    "transaction.state.log.replication.factor", "1",
                    "transaction.state.log.min.isr", "1",
                    "offsets.topic.replication.factor", "1"));
            started.afterPropertiesSet();
            brokerPort = started.getCluster().brokers().values().iterator().next().boundPort(
                    new ListenerName("EXTERNAL"));
            broker = started;
        }
    }

    /** Stops the broker; connections to it end, and new ones are refused until {@link #start()}. */
    public synchronized void stop() {
        if (broker != null) {
            broker.destroy();
            broker = null;
            open.forEach(StoppableKafkaBroker::closeQuietly);
            open.clear();
        }
    }

    @Override
    public void close() {
        stop();
        closeQuietly(front);
    }

    private void accept() {
        while (!front.isClosed()) {
            try {
                Socket client = front.accept();
                if (broker == null) {
                    client.close(); // as a stopped broker's host would: nobody listens
                    continue;
                }
                Socket server = new Socket(InetAddress.getLoopbackAddress(), brokerPort);
                open.add(client);
                open.add(server);
                Thread.ofVirtual().start(() -> relay(client, server));
                Thread.ofVirtual().start(() -> relay(server, client));
            } catch (IOException e) {
                // the front closed, or the broker went away between the check and the connect
            }
        }
    }

    private void relay(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException e) {
            // either side closed
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            open.remove(from);
            open.remove(to);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // closing is all that is left to do
        }
    }
}
