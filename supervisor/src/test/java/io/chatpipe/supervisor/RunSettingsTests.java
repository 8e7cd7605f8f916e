package io.chatpipe.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunSettingsTests {

    private static final Path ROOT = Path.of("/repo");

    @Test
    void runsOnTheDocumentedPortsWithoutAnyVariable() {
        RunSettings settings = RunSettings.from(Map.of(), ROOT, List.of());

        assertThat(settings.dataDir()).isEqualTo(Path.of("/repo/.data"));
        assertThat(settings.ports()).containsExactly(Map.entry("Kafka", 9092), Map.entry("Kafka controller", 9093),
                Map.entry("XMPP c2s", 5222), Map.entry("ejabberd HTTP", 5280), Map.entry("PostgreSQL", 5433),
                Map.entry("api-service", 8080), Map.entry("history-service", 8081),
                Map.entry("xmpp-delivery-worker", 8082), Map.entry("xmpp-capture", 8083),
                Map.entry("webhook-dispatcher", 8084));
        assertThat(settings.kafkaServers()).isEqualTo("127.0.0.1:9092");
        assertThat(settings.topicSettings()).isEmpty();
    }

    @Test
    void takesEachPortAndTheDataDirectoryFromTheEnvironment() {
        RunSettings settings = RunSettings.from(Map.of("CHATPIPE_API_PORT", "18080", "CHATPIPE_DATA_DIR", "/tmp/run",
                "CHATPIPE_XMPP_DOMAIN", "chat.example"), ROOT, List.of());

        assertThat(settings.apiPort()).isEqualTo(18080);
        assertThat(settings.dataDir()).isEqualTo(Path.of("/tmp/run"));
        assertThat(settings.xmppDomain()).isEqualTo("chat.example");
    }

    @Test
    void aClusterOfThreeReplicatesEachTopicThriceFromTheClusterPortUp() {
        RunSettings settings = RunSettings.from(Map.of("CHATPIPE_KAFKA_CLUSTER_PORT", "19094"), ROOT,
                List.of("--brokers", "3"));

        assertThat(settings.kafkaServers()).isEqualTo("127.0.0.1:9092,127.0.0.1:19094,127.0.0.1:19096");
        assertThat(settings.brokerControllerPort(3)).isEqualTo(19097);
        assertThat(settings.topicSettings()).containsExactly("--chatpipe.topics.default.replicas=3",
                "--chatpipe.topics.default.min-insync-replicas=2");
        assertThat(settings.ports()).containsEntry("Kafka broker 2 controller", 19095);
        assertThat(RunSettings.from(Map.of(), ROOT, List.of("--brokers=2")).topicSettings())
                .containsExactly("--chatpipe.topics.default.replicas=2",
                        "--chatpipe.topics.default.min-insync-replicas=1");
    }

    @Test
    void rejectsWhatItCannotRun() {
        assertThatIllegalArgumentException().isThrownBy(() -> RunSettings.from(Map.of(), ROOT, List.of("--brokers", "0")))
                .withMessage("--brokers takes a number of brokers (1 to 99), not '0'");
        assertThatIllegalArgumentException().isThrownBy(() -> RunSettings.from(Map.of(), ROOT, List.of("--brokers")))
                .withMessage("--brokers needs a number, e.g. --brokers 3");
        assertThatIllegalArgumentException().isThrownBy(() -> RunSettings.from(Map.of(), ROOT, List.of("--fast")))
                .withMessage("unknown option for run: '--fast' (./chatpipe help)");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> RunSettings.from(Map.of("CHATPIPE_API_PORT", "eighty"), ROOT, List.of()))
                .withMessage("CHATPIPE_API_PORT is a number, not 'eighty'");
    }
}
