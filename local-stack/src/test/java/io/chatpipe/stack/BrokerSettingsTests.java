package io.chatpipe.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** One broker alone, as ./chatpipe run starts it, or one node of ./chatpipe run --brokers 3. */
class BrokerSettingsTests {

    private static final String VOTERS = "1@127.0.0.1:9093,2@127.0.0.1:9095,3@127.0.0.1:9097";

    @Test
    void aBrokerAloneIsItsOwnQuorumWithOneCopyOfEverything() {
        var props = BrokerSettings.parse("--port=9092", "--controller-port=9093").serverProperties();

        assertThat(props.getProperty("node.id")).isEqualTo("1");
        assertThat(props.getProperty("controller.quorum.voters")).isEqualTo("1@127.0.0.1:9093");
        assertThat(props.getProperty("offsets.topic.replication.factor")).isEqualTo("1");
        assertThat(props.getProperty("min.insync.replicas")).isEqualTo("1");
    }

    @Test
    void aNodeOfAClusterKeepsThreeCopiesOfKafkasOwnTopicsAndWaitsForTwo() {
        var props = BrokerSettings.parse("--port=9094", "--controller-port=9095", "--node-id=2", "--voters=" + VOTERS,
                "--cluster-id=q1Sh-9_ISia_zwGINzRvyQ", "--replicas=3").serverProperties();

        assertThat(props.getProperty("node.id")).isEqualTo("2");
        assertThat(props.getProperty("controller.quorum.voters")).isEqualTo(VOTERS);
        assertThat(props.getProperty("advertised.listeners")).isEqualTo("PLAINTEXT://127.0.0.1:9094");
        assertThat(props.getProperty("offsets.topic.replication.factor")).isEqualTo("3");
        assertThat(props.getProperty("transaction.state.log.replication.factor")).isEqualTo("3");
        assertThat(props.getProperty("transaction.state.log.min.isr")).isEqualTo("2");
        assertThat(props.getProperty("min.insync.replicas")).isEqualTo("2");
    }

    @Test
    void refusesAClusterItCannotBe() {
        assertThatThrownBy(() -> BrokerSettings.parse("--node-id=4", "--voters=" + VOTERS))
                .hasMessageContaining("--voters must name this node (--node-id=4)");
        assertThatThrownBy(() -> BrokerSettings.parse("--replicas=3"))
                .hasMessageContaining("--replicas must be between 1 and the number of voters (1)");
        assertThatThrownBy(() -> BrokerSettings.parse("--voters=1@127.0.0.1"))
                .hasMessageContaining("--voters is id@host:port");
    }
}
