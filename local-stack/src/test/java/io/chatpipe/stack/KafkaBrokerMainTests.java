package io.chatpipe.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the launcher as ./chatpipe run does: its own JVM, stopped with SIGTERM. */
class KafkaBrokerMainTests {

    private static final Duration STARTUP = Duration.ofMinutes(2);

    @TempDir
    Path dataDir;

    private final List<Process> started = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopBrokers() throws InterruptedException {
        for (Process process : started) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void keepsRecordsAndClusterIdAcrossACleanStopAndRestartOnTheSameDirectory() throws Exception {
        int port = freePort();
        int controllerPort = freePort();
        String servers = "127.0.0.1:" + port;

        var first = start(port, controllerPort);
        assertThat(first.console()).anyMatch(line -> line.startsWith("Formatted new Kafka storage"));
        String clusterId;
        try (var admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers))) {
            clusterId = admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
            admin.createTopics(List.of(new NewTopic("kept", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("kept", "k", "still here after a restart")).get(30, TimeUnit.SECONDS);
        }
        first.stop();
        assertThat(first.console()).contains("Kafka broker stopped");
        assertThat(Files.readString(dataDir.resolve("cluster.id")).strip()).isEqualTo(clusterId);

        var second = start(port, controllerPort);
        assertThat(second.console()).noneMatch(line -> line.startsWith("Formatted new Kafka storage"));
        try (var admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers))) {
            assertThat(admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS)).isEqualTo(clusterId);
        }
        assertThat(readAll(servers, new TopicPartition("kept", 0)))
                .extracting(ConsumerRecord::value).containsExactly("still here after a restart");
        second.stop();
        assertThat(dataDir.resolve("broker.log")).content().contains("Kafka broker ready on " + servers);
    }

    @Test
    void doesNotCreateTopicsThatNobodyDeclared() throws Exception {
        int port = freePort();
        String servers = "127.0.0.1:" + port;
        var broker = start(port, freePort());

        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers, ProducerConfig.MAX_BLOCK_MS_CONFIG, 3000),
                new StringSerializer(), new StringSerializer())) {
            var sent = producer.send(new ProducerRecord<>("undeclared", "k", "v"));
            assertThat(sent).failsWithin(Duration.ofSeconds(30));
        }
        try (var admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers))) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).doesNotContain("undeclared");
        }
        broker.stop();
    }

    private List<ConsumerRecord<String, String>> readAll(String servers, TopicPartition partition) {
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition), Duration.ofSeconds(30)).get(partition);
            var records = new ArrayList<ConsumerRecord<String, String>>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumer.position(partition) < end && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
            return records;
        }
    }

    private RunningBroker start(int port, int controllerPort) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        var process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                KafkaBrokerMain.class.getName(), "--data-dir=" + dataDir,
                "--port=" + port, "--controller-port=" + controllerPort)
                .redirectErrorStream(true)
                .start();
        started.add(process);
        var broker = new RunningBroker(process);
        broker.awaitConsoleLine("Kafka broker ready on 127.0.0.1:" + port);
        return broker;
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** A launcher process and what it printed. */
    private static final class RunningBroker {

        private final Process process;
        private final List<String> console = new CopyOnWriteArrayList<>();
        private final CompletableFuture<Void> consoleClosed;

        RunningBroker(Process process) {
            this.process = process;
            this.consoleClosed = CompletableFuture.runAsync(() -> {
                try (var reader = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    reader.lines().forEach(console::add);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }

        void awaitConsoleLine(String prefix) throws InterruptedException {
            long deadline = System.nanoTime() + STARTUP.toNanos();
            while (console.stream().noneMatch(line -> line.startsWith(prefix))) {
                assertThat(process.isAlive()).as("launcher alive; it printed %s", console).isTrue();
                assertThat(System.nanoTime()).as("'%s' within %s; printed %s", prefix, STARTUP, console)
                        .isLessThan(deadline);
                Thread.sleep(100);
            }
        }

        /** SIGTERM, as Ctrl-C in ./chatpipe run sends, then waits for the clean shutdown. */
        void stop() throws Exception {
            process.toHandle().destroy();
            assertThat(process.waitFor(1, TimeUnit.MINUTES)).as("stopped within a minute").isTrue();
            consoleClosed.get(10, TimeUnit.SECONDS);
        }

        List<String> console() {
            return console;
        }
    }
}
