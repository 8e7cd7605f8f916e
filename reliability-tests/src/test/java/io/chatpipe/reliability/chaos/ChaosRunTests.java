package io.chatpipe.reliability.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.chatpipe.reliability.TestStack;
import io.chatpipe.stack.StackScript;
import io.chatpipe.supervisor.Ports;
import io.chatpipe.testsupport.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * {@code ./chatpipe chaos} as its own process, on free ports and a data directory of its own, stopped with a SIGTERM
 * while its driver sends: the driver stops first, then the stack in run's order, and no process of it is left (its
 * JVMs run in sessions of their own, which nothing else would stop).
 */
@Order(4)
class ChaosRunTests {

    @Test
    void aSigtermStopsTheDriverThenTheWholeStackInOrder() throws Exception {
        Path root = StackScript.repositoryRoot(Path.of(""));
        Path dataDir = TestStack.dataDir("chaos-stop");
        Ports ports = Ports.picked(FreePorts::pick);
        List<Integer> listened = List.of(ports.kafka(), ports.kafkaController(), ports.xmppClient(), ports.xmppHttp(),
                ports.postgres(), ports.api(), ports.history(), ports.worker(), ports.capture());
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ChaosRun.class.getName(), "--root=" + root,
                "--data-dir=" + dataDir, "--messages=100000", "--conversations=10", "--recipients=5", "--rate=5",
                "--faults=", "--start-timeout=600s", "--stop-timeout=180s", "--kafka-port=" + ports.kafka(),
                "--kafka-controller-port=" + ports.kafkaController(), "--kafka-cluster-port=" + ports.kafkaCluster(),
                "--xmpp-c2s-port=" + ports.xmppClient(), "--xmpp-http-port=" + ports.xmppHttp(),
                "--postgres-port=" + ports.postgres(), "--api-port=" + ports.api(), "--history-port=" + ports.history(),
                "--worker-port=" + ports.worker(), "--capture-port=" + ports.capture(),
                "--webhook-port=" + ports.webhooks());
        Path output = Files.createFile(dataDir.resolve("chaos.out"));
        Process chaos = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        List<ProcessHandle> children;
        try {
            long deadline = System.nanoTime() + Duration.ofMinutes(20).toNanos();
            while (!Files.readString(output).contains("messages started")) {   // the driver's progress, every 10 s
                if (!chaos.isAlive() || System.nanoTime() > deadline) {
                    fail("the chaos run did not start driving; it said:\n" + Files.readString(output));
                }
                Thread.sleep(500);
            }
            children = chaos.descendants().toList();
            assertThat(children).as("the run's own JVMs: a broker and four services").hasSizeGreaterThanOrEqualTo(5);

            chaos.destroy();   // SIGTERM, as a service manager (or a Ctrl-C's signal) stops it
            assertThat(chaos.waitFor(10, TimeUnit.MINUTES)).as("the chaos run exits").isTrue();
        } finally {
            chaos.destroyForcibly();
        }

        String said = Files.readString(output);
        assertThat(chaos.exitValue()).as(said).isEqualTo(143);
        assertThat(children).as("processes of the run still alive\n%s", said).noneMatch(ProcessHandle::isAlive);
        assertThat(said.indexOf("The driver stops")).as(said).isPositive().isLessThan(said.indexOf("Stopping "));
        // the run's own log lines may come between a "Stopping" and its dots
        assertThat(Pattern.compile("Stopping (Kafka broker|[A-Za-z-]+)").matcher(said).results().map(stop -> stop.group(1)))
                .as(said).containsExactly("xmpp-delivery-worker", "xmpp-capture", "api-service", "history-service",
                        "ejabberd", "PostgreSQL", "Kafka broker");
        assertThat(said).as("no part had to be killed").doesNotContain("killed after");
        assertThat(listened).as("nothing listens any more (ejabberd and PostgreSQL included)")
                .noneMatch(FreePorts::listening);
    }
}
