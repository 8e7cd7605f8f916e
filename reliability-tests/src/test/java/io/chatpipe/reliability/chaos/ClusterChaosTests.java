package io.chatpipe.reliability.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.reliability.TestStack;
import io.chatpipe.supervisor.ApiKey;
import io.chatpipe.supervisor.LocalStack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The short version of {@code ./chatpipe chaos --brokers=3 --instances=2}: a Kafka cluster of three brokers
 * (replication 3, min.insync.replicas 2) and two instances of each service (real child JVMs), the driver taking
 * turns over both api-services, while the broker that leads chat.messages partition 0 is killed -9 and later
 * started again, and then one instance of every service is killed -9 at once (the capture that reads the archive's
 * slot among them, so the standby takes over) and started again. Nothing accepted may be lost, duplicated after
 * de-duplication by message id, or reordered within its conversation, either way.
 */
class ClusterChaosTests {

    private static final Logger log = LoggerFactory.getLogger(ClusterChaosTests.class);

    @Test
    void nothingAcceptedIsLostDuplicatedOrReorderedWhenTheLeadingBrokerAndOneOfEachServiceAreKilled()
            throws Exception {
        ApiKey key = ApiKey.generate("cluster-chaos", List.of(), 1_000_000);
        var settings = new ChaosSettings(400, 20, 5, 10, Duration.ofSeconds(120), Duration.ofSeconds(90),
                List.of(Fault.KILL_KAFKA_LEADER, Fault.KILL_ONE_OF_EACH), Duration.ofSeconds(10), 5,
                ChaosRun.randomRunId());
        try (LocalStack stack = TestStack.cluster(key)) {
            stack.start();

            ChaosReport report = ChaosRun.execute(stack, settings, key, Path.of("target", "cluster-chaos-"
                    + settings.runId()));
            log.info("\n{}", report.toText());

            assertThat(report.faults()).extracting(InjectedFault::fault)
                    .containsExactly(Fault.KILL_KAFKA_LEADER, Fault.KILL_ONE_OF_EACH);
            assertThat(report.faults()).allSatisfy(f -> assertThat(f.error()).as("%s", f.fault()).isNull());
            assertThat(report.accepted()).as("messages accepted").isEqualTo(settings.messages());
            ChaosTests.assertNothingLostDuplicatedOrReordered(report);
        }
    }
}
