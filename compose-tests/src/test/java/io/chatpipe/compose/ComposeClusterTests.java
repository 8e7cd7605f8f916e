package io.chatpipe.compose;

import static io.chatpipe.compose.ComposeFile.environment;
import static io.chatpipe.compose.ComposeFile.list;
import static io.chatpipe.compose.ComposeFile.map;
import static java.util.stream.Collectors.counting;
import static java.util.stream.Collectors.groupingBy;
import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.events.ChatJson;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml describes the cluster of {@code ./chatpipe run --brokers 3} and trusts nothing for being on the
 * network. No Docker engine is needed: these read the file (and the ejabberd configuration it mounts) as Compose does,
 * so that the cluster cannot drift from that shape unnoticed. ComposeClusterContainersIT runs it.
 */
class ComposeClusterTests {

    static final ComposeFile compose = ComposeFile.ofRepository();
    static final List<String> BROKERS = List.of("kafka-1", "kafka-2", "kafka-3");

    @Test
    void threeKraftBrokersFormOneQuorum() {
        assertThat(compose.defaultServices().filter(s -> ComposeFile.dockerfile(s.getValue()).equals("kafka.Dockerfile"))
                .map(Map.Entry::getKey)).containsExactlyInAnyOrderElementsOf(BROKERS);
        var nodeIds = BROKERS.stream().map(name -> environment(compose.service(name)).get("KAFKA_NODE_ID")).toList();
        assertThat(nodeIds).containsExactlyInAnyOrder("1", "2", "3");
        for (String name : BROKERS) {
            Map<String, String> environment = environment(compose.service(name));
            assertThat(environment.get("KAFKA_PROCESS_ROLES")).isEqualTo("broker,controller");
            assertThat(environment.get("KAFKA_CONTROLLER_QUORUM_VOTERS"))
                    .isEqualTo("1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093");
            assertThat(environment.get("KAFKA_ADVERTISED_LISTENERS")).isEqualTo("PLAINTEXT://" + name + ":9092");
            assertThat(list(compose.service(name), "volumes")).singleElement().asString()
                    .startsWith(name + "-data:");
        }
    }

    @Test
    void everyTopicHasThreeCopiesAndAnAcknowledgedWriteTwo() {
        for (String name : BROKERS) {
            assertThat(environment(compose.service(name))).containsAllEntriesOf(Map.of(
                    "KAFKA_DEFAULT_REPLICATION_FACTOR", "3",
                    "KAFKA_MIN_INSYNC_REPLICAS", "2",
                    "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "3",
                    "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "3",
                    "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "2",
                    "KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false"));
        }
        // the services create the topics, from the topic catalogue with the deployment's chatpipe.topics.* settings
        var chatpipeServices = compose.services().entrySet().stream()
                .filter(service -> ComposeFile.module(service.getValue()).isPresent()).toList();
        assertThat(chatpipeServices).hasSizeGreaterThanOrEqualTo(9);
        for (var service : chatpipeServices) {
            Map<String, String> environment = environment(service.getValue());
            var topics = ChatJson.MAPPER.readTree(environment.getOrDefault("SPRING_APPLICATION_JSON", "{}"));
            assertThat(topics.path("chatpipe.topics.default.replicas").asString()).as(service.getKey()).isEqualTo("3");
            assertThat(topics.path("chatpipe.topics.default.min-insync-replicas").asString()).as(service.getKey())
                    .isEqualTo("2");
            assertThat(environment.get("SPRING_KAFKA_BOOTSTRAPSERVERS")).as(service.getKey())
                    .isEqualTo("kafka-1:9092,kafka-2:9092,kafka-3:9092");
            assertThat(map(service.getValue(), "depends_on")).as(service.getKey()).containsKeys("kafka-1", "kafka-2", "kafka-3");
        }
    }

    @Test
    void twoInstancesOfEveryService() {
        Map<String, Long> instances = compose.defaultServices()
                .flatMap(service -> ComposeFile.module(service.getValue()).stream())
                .collect(groupingBy(module -> module, counting()));
        // two captures of one slot too: the one holding the slot's lease reads, the other stands by to take over
        assertThat(instances).containsExactlyInAnyOrderEntriesOf(Map.of(
                "api-service", 2L, "xmpp-delivery-worker", 2L, "history-service", 2L, "webhook-dispatcher", 2L,
                "xmpp-capture", 2L));
    }

    @Test
    void eachHistoryInstanceHasItsOwnStateAndGroupInstanceId() {
        var histories = compose.defaultServices()
                .filter(service -> ComposeFile.module(service.getValue()).orElse("").equals("history-service")).toList();
        assertThat(histories).hasSize(2);
        var stateDir = environment(histories.getFirst().getValue()).get("CHATPIPE_HISTORY_STREAMS_STATEDIR");
        assertThat(stateDir).isNotBlank();
        for (var history : histories) {
            Map<String, String> environment = environment(history.getValue());
            assertThat(environment.get("CHATPIPE_HISTORY_STREAMS_INSTANCEID")).isEqualTo(history.getKey());
            assertThat(environment.get("CHATPIPE_HISTORY_STREAMS_APPLICATIONSERVER")).isEqualTo(history.getKey() + ":8081");
            assertThat(environment.get("CHATPIPE_HISTORY_STREAMS_STATEDIR")).isEqualTo(stateDir);
        }
        var stateVolumes = histories.stream().map(history -> list(history.getValue(), "volumes").stream()
                .filter(volume -> volume.endsWith(":" + stateDir)).findFirst().orElseThrow()).toList();
        assertThat(stateVolumes).doesNotHaveDuplicates();
        assertThat(map(compose.document(), "volumes")).containsKeys(stateVolumes.stream()
                .map(volume -> volume.substring(0, volume.indexOf(':'))).toArray(String[]::new));
    }

    @Test
    void ejabberdsAdminApiAnswersOnlyTheWorkersAccountAndNoAddress() {
        Map<String, Object> ejabberd = ComposeFile.yaml(compose.mounted("ejabberd", "/opt/ejabberd/conf/ejabberd.yml"));
        Map<String, Map<String, Object>> permissions = map(ejabberd, "api_permissions");
        var overHttp = permissions.entrySet().stream()
                .filter(permission -> list(permission.getValue(), "from").contains("mod_http_api")).toList();
        assertThat(overHttp).singleElement().satisfies(permission -> {
            // who: the ACL of the workers' account, by its password; never "all" nor an address
            Map<String, Object> who = map(permission.getValue(), "who");
            assertThat(who).containsOnlyKeys("acl");
            Map<String, Object> acl = map(map(ejabberd, "acl"), String.valueOf(who.get("acl")));
            assertThat(acl).containsOnlyKeys("user");
            for (var worker : workers("ejabberd-api")) {
                assertThat(environment(worker)).containsEntry("CHATPIPE_WORKER_EJABBERD_AUTH_USERNAME",
                        String.valueOf(acl.get("user")));
            }
            assertThat(list(permission.getValue(), "what")).doesNotContain("*");
        });
        // ejabberdctl, inside the container, for everything else
        assertThat(permissions.values()).filteredOn(permission -> !list(permission, "from").contains("mod_http_api"))
                .allSatisfy(permission -> assertThat(list(permission, "from")).containsExactly("ejabberd_ctl"));
    }

    @Test
    void theWorkersPasswordsAreFilesNeverTheEnvironment() throws IOException {
        String secrets = Files.readString(compose.root().resolve("docker/make-secrets.sh"));
        for (var worker : workers("ejabberd-api")) {
            Map<String, String> environment = environment(worker);
            assertThat(environment.get("SPRING_CONFIG_IMPORT")).isEqualTo("configtree:/run/chatpipe-secrets/worker/");
            assertThat(environment).doesNotContainKeys("CHATPIPE_WORKER_EJABBERD_AUTH_PASSWORD",
                    "CHATPIPE_WORKER_EJABBERD_AUTH_BEARERTOKEN");
        }
        assertThat(secrets).contains("tree worker \\\n  chatpipe.worker.ejabberd.auth.password=ejabberd-api-password");
        assertThat(Files.readString(compose.root().resolve("docker/ejabberd/start.sh")))
                .contains("/run/chatpipe-secrets/ejabberd/api-password", "register \"$account\" \"$domain\"");
    }

    @Test
    void eachServiceMountsOnlyItsOwnSecrets() {
        // all of chatpipe's services run as one uid: a whole-volume mount would let each read the others' secrets
        compose.services().forEach((name, service) -> {
            if (ComposeFile.module(service).isEmpty()) {
                return;
            }
            var secrets = ComposeFile.volumes(service).stream()
                    .filter(volume -> String.valueOf(volume).contains("chatpipe-secrets")).toList();
            String tree = environment(service).get("SPRING_CONFIG_IMPORT");
            if (tree == null) {
                assertThat(secrets).as(name).isEmpty();
                return;
            }
            String directory = tree.substring("configtree:".length()).replaceAll("/$", "");
            assertThat(secrets).as(name).singleElement().satisfies(volume -> {
                assertThat(volume).isInstanceOf(Map.class);
                @SuppressWarnings("unchecked") Map<String, Object> mount = (Map<String, Object>) volume;
                assertThat(mount).containsEntry("source", "chatpipe-secrets").containsEntry("target", directory)
                        .containsEntry("read_only", true);
                assertThat(map(mount, "volume")).containsEntry("subpath",
                        directory.substring(directory.lastIndexOf('/') + 1));
            });
        });
    }

    @Test
    void noSecretIsWrittenIntoTheComposeFile() {
        var secretName = Pattern.compile("(?i).*(PASSWORD|SECRET|TOKEN|APIKEY|PASSWORDKEY|SECRETSHA256).*");
        compose.services().forEach((name, service) -> environment(service).forEach((key, value) -> {
            if (secretName.matcher(key).matches()) {
                assertThat(key).as("%s: %s", name, key).endsWith("_FILE");
                assertThat(value).as("%s: %s", name, key).startsWith("/run/chatpipe-secrets/");
            }
        }));
    }

    @Test
    void inBandRegistrationIsAcceptedFromNoAddressOfTheNetwork() {
        Map<String, Object> ejabberd = ComposeFile.yaml(compose.mounted("ejabberd", "/opt/ejabberd/conf/ejabberd.yml"));
        Map<String, Object> register = map(map(ejabberd, "modules"), "mod_register");
        Map<String, Object> ipAccess = map(map(ejabberd, "access_rules"), String.valueOf(register.get("ip_access")));
        assertThat(ipAccess).containsOnlyKeys("allow");
        Map<String, Object> allowed = map(map(ejabberd, "acl"), String.valueOf(ipAccess.get("allow")));
        assertThat(allowed).containsOnlyKeys("ip");
        assertThat(list(allowed, "ip")).containsExactlyInAnyOrder("127.0.0.0/8", "::1/128");
    }

    @Test
    void onlyWhatAUserNeedsIsPublishedAndOnlyOnTheHostsLoopback() {
        var published = compose.services().entrySet().stream()
                .flatMap(service -> list(service.getValue(), "ports").stream().map(port -> service.getKey() + " " + port))
                .toList();
        assertThat(published).allSatisfy(port -> assertThat(port.split(" ")[1]).startsWith("127.0.0.1:"));
        assertThat(published).containsExactlyInAnyOrder(
                "ejabberd 127.0.0.1:5222:5222",
                "api-service-1 127.0.0.1:8080:8080", "api-service-2 127.0.0.1:8180:8080",
                "history-service-1 127.0.0.1:8081:8081", "history-service-2 127.0.0.1:8181:8081",
                "openfire 127.0.0.1:5422:5222");
        // and no container shares the host's network
        assertThat(compose.services().values()).allSatisfy(service ->
                assertThat(String.valueOf(service.get("network_mode"))).isNotEqualTo("host"));
    }

    @Test
    void theRestApisAskForTheApiKey() {
        for (var service : compose.defaultServices().toList()) {
            String module = ComposeFile.module(service.getValue()).orElse("");
            Map<String, String> environment = environment(service.getValue());
            if (module.equals("api-service")) {
                assertThat(environment).containsEntry("CHATPIPE_API_AUTH_REQUIRED", "true");
            } else if (module.equals("history-service")) {
                assertThat(environment).containsEntry("CHATPIPE_HISTORY_AUTH_REQUIRED", "true");
            }
        }
    }

    @Test
    void theServicesDockerfileBuildsEveryModuleTheFileRuns() throws IOException {
        var modules = compose.services().values().stream().flatMap(service -> ComposeFile.module(service).stream())
                .collect(Collectors.toSet());
        assertThat(modules).containsExactlyInAnyOrder("api-service", "history-service", "xmpp-delivery-worker",
                "xmpp-capture", "webhook-dispatcher");
        // service.Dockerfile packages the module and runs its executable jar: each module makes one
        assertThat(Files.readString(compose.root().resolve("docker/service.Dockerfile")))
                .contains("-pl \"${MODULE}\" -am package", "\"${MODULE}/target/${MODULE}-\"*\"-exec.jar\"");
        String parent = Files.readString(compose.root().resolve("pom.xml"));
        for (String module : modules) {
            assertThat(parent).contains("<module>" + module + "</module>");
            assertThat(Files.readString(compose.root().resolve(module).resolve("pom.xml")))
                    .as(module).contains("<artifactId>spring-boot-maven-plugin</artifactId>");
        }
        // every Dockerfile the file builds is there
        compose.services().values().forEach(service -> {
            Map<String, Object> build = map(service, "build");
            if (!build.isEmpty()) {
                assertThat(compose.root().resolve(String.valueOf(build.get("context")))
                        .resolve(String.valueOf(build.get("dockerfile")))).exists();
            }
        });
    }

    private static List<Map<String, Object>> workers(String backend) {
        return compose.services().values().stream()
                .filter(service -> ComposeFile.module(service).orElse("").equals("xmpp-delivery-worker"))
                .filter(service -> environment(service).getOrDefault("CHATPIPE_WORKER_BACKEND", "ejabberd-api").equals(backend))
                .toList();
    }
}
