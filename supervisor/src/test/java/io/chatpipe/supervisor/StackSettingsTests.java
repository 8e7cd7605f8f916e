package io.chatpipe.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StackSettingsTests {

    private static final Path ROOT = Path.of("/repo");

    @Test
    void runsOnTheDocumentedPortsWithoutAnyVariable() {
        StackSettings settings = StackSettings.fromEnvironment(Map.of(), ROOT, List.of());

        assertThat(settings.dataDir()).isEqualTo(Path.of("/repo/.data"));
        assertThat(settings.portsByName()).containsExactly(Map.entry("Kafka", 9092),
                Map.entry("Kafka controller", 9093), Map.entry("XMPP c2s", 5222), Map.entry("ejabberd HTTP", 5280),
                Map.entry("PostgreSQL", 5433), Map.entry("history-service", 8081), Map.entry("api-service", 8080),
                Map.entry("xmpp-capture", 8083), Map.entry("xmpp-delivery-worker", 8082),
                Map.entry("webhook-dispatcher", 8084));
        assertThat(settings.kafkaServers()).isEqualTo("127.0.0.1:9092");
        assertThat(settings.topicSettings()).isEmpty();
    }

    @Test
    void takesEachPortAndTheDataDirectoryFromTheEnvironment() {
        StackSettings settings = StackSettings.fromEnvironment(Map.of("CHATPIPE_API_PORT", "18080", "CHATPIPE_DATA_DIR", "/tmp/run",
                "CHATPIPE_XMPP_DOMAIN", "chat.example"), ROOT, List.of());

        assertThat(settings.ports().api()).isEqualTo(18080);
        assertThat(settings.dataDir()).isEqualTo(Path.of("/tmp/run"));
        assertThat(settings.xmppDomain()).isEqualTo("chat.example");
    }

    @Test
    void aClusterOfThreeReplicatesEachTopicThriceFromTheClusterPortUp() {
        StackSettings settings = StackSettings.fromEnvironment(Map.of("CHATPIPE_KAFKA_CLUSTER_PORT", "19094"), ROOT,
                List.of("--brokers", "3"));

        assertThat(settings.kafkaServers()).isEqualTo("127.0.0.1:9092,127.0.0.1:19094,127.0.0.1:19096");
        assertThat(settings.ports().controller(3)).isEqualTo(19097);
        assertThat(settings.topicSettings()).containsExactly("--chatpipe.topics.default.replicas=3",
                "--chatpipe.topics.default.min-insync-replicas=2");
        assertThat(settings.portsByName()).containsEntry("Kafka broker 2 controller", 19095);
        assertThat(StackSettings.fromEnvironment(Map.of(), ROOT, List.of("--brokers=2")).topicSettings())
                .containsExactly("--chatpipe.topics.default.replicas=2",
                        "--chatpipe.topics.default.min-insync-replicas=1");
    }

    @Test
    void twoOfEachServiceListenTenPortsApartWithTheirOwnNames() {
        StackSettings settings = StackSettings.of(ROOT, Path.of("/tmp/chaos"), Ports.RUN.above(20000)).withInstances(2);

        assertThat(settings.ports().of(Service.API, 1)).isEqualTo(28090);
        assertThat(settings.name(Service.HISTORY, 1)).isEqualTo("history-service-2");
        assertThat(settings.portsByName()).containsEntry("history-service-1", 28081)
                .containsEntry("webhook-dispatcher-2", 28094).doesNotContainKey("history-service");
    }

    @Test
    void leavesTheXmppServersPortsToAnExternalOne() {
        XmppServerControl external = new XmppServerControl() {
            public String domain() {
                return "shared.test";
            }

            public String host() {
                return "127.0.0.1";
            }

            public int clientPort() {
                return 5222;
            }

            public String apiUrl() {
                return "http://127.0.0.1:5280/api";
            }

            public void start() {
            }

            public void stop() {
            }

            public ArchiveAccess archive() {
                return new ArchiveAccess("127.0.0.1", 5433, "ejabberd", "capture", "archive", () -> "secret");
            }
        };

        StackSettings settings = StackSettings.of(ROOT, Path.of("/tmp/test"), Ports.RUN).withExternalXmpp(external);

        assertThat(settings.xmppDomain()).isEqualTo("shared.test");
        assertThat(settings.portsByName()).doesNotContainKeys("XMPP c2s", "ejabberd HTTP", "PostgreSQL");
    }

    @Test
    void rejectsWhatItCannotRun() {
        assertThatIllegalArgumentException().isThrownBy(() -> StackSettings.fromEnvironment(Map.of(), ROOT, List.of("--brokers", "0")))
                .withMessage("--brokers takes a number of brokers (1 to 99), not '0'");
        assertThatIllegalArgumentException().isThrownBy(() -> StackSettings.fromEnvironment(Map.of(), ROOT, List.of("--brokers")))
                .withMessage("--brokers needs a number, e.g. --brokers 3");
        assertThatIllegalArgumentException().isThrownBy(() -> StackSettings.fromEnvironment(Map.of(), ROOT, List.of("--fast")))
                .withMessage("unknown option for run: '--fast' (./chatpipe help)");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> StackSettings.fromEnvironment(Map.of("CHATPIPE_API_PORT", "eighty"), ROOT, List.of()))
                .withMessage("CHATPIPE_API_PORT is a number, not 'eighty'");
        assertThatIllegalArgumentException().isThrownBy(() -> StackSettings.of(ROOT, ROOT, Ports.picked(() -> 20000))
                .withInstances(2)).withMessage("instances are 1 to 9, each on ports of its own, not 2");
    }
}
