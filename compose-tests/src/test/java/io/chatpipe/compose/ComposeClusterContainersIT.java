package io.chatpipe.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.chatpipe.events.ChatJson;
import io.chatpipe.testsupport.XmppServer;
import io.chatpipe.testsupport.XmppTestClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.ContainerState;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import tools.jackson.databind.JsonNode;

/**
 * The whole pipeline on docker-compose.yml's cluster, built from this repository (openfire profile on): three Kafka
 * brokers, two instances of each service, ejabberd with its PostgreSQL archive, Openfire with its REST API plugin. A
 * message accepted by either api-service instance reaches an ordinary XMPP client (Smack) of its recipient on ejabberd
 * and on Openfire, and either history-service instance has it once.
 *
 * <p>Needs a Docker engine with the compose plugin, and the host's ports 5222, 5422, 8080, 8081, 8180 and 8181 free
 * (the file publishes them on 127.0.0.1). Runs only with {@code -Pcontainers} (failsafe); the default build compiles it
 * and never runs it. It has not run on the machine it was written on, which has no Docker engine.
 */
@Testcontainers
class ComposeClusterContainersIT {

    static final Duration PATIENCE = Duration.ofMinutes(3);
    static final List<String> HEALTH_CHECKED = List.of("kafka-1", "kafka-2", "kafka-3", "postgres", "ejabberd",
            "api-service-1", "api-service-2", "history-service-1", "history-service-2", "xmpp-capture-1", "xmpp-capture-2",
            "xmpp-delivery-worker-1", "xmpp-delivery-worker-2", "webhook-dispatcher-1", "webhook-dispatcher-2",
            "openfire", "xmpp-delivery-worker-openfire");
    static final XmppServer EJABBERD = new Server("localhost", "127.0.0.1", 5222);
    static final XmppServer OPENFIRE = new Server("localhost", "127.0.0.1", 5422);

    @Container
    static final ComposeContainer cluster = cluster();

    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static String apiKey;

    static ComposeContainer cluster() {
        var compose = new ComposeContainer(ComposeFile.ofRepository().root().resolve("docker-compose.yml").toFile())
                .withEnv("COMPOSE_PROFILES", "openfire")
                .withBuild(true)
                .withRemoveVolumes(true)
                .withStartupTimeout(Duration.ofMinutes(20));
        for (String service : HEALTH_CHECKED) {
            compose = compose.waitingFor(instance(service), Wait.forHealthcheck().withStartupTimeout(Duration.ofMinutes(20)));
        }
        return compose;
    }

    /** The container of a compose service (Testcontainers names a service's first container {@code <service>-1}). */
    static String instance(String service) {
        return service + "-1";
    }

    static ContainerState container(String service) {
        return cluster.getContainerByServiceName(instance(service))
                .orElseThrow(() -> new AssertionError("no container of " + service));
    }

    @BeforeAll
    static void readTheApiKeyFromTheSecretsVolume() throws Exception {
        // the postgres container mounts the whole secrets volume (its init script reads the database's passwords)
        ExecResult key = container("postgres").execInContainerWithUser("root", "cat", "/run/chatpipe-secrets/api-key");
        assertThat(key.getExitCode()).as(key.getStderr()).isZero();
        apiKey = key.getStdout().strip();
        assertThat(apiKey).isNotBlank();
    }

    @Test
    void aMessageThroughEitherApiInstanceReachesItsRecipientsXmppClientOnEjabberdAndOnOpenfire() {
        String alice = "alice-" + UUID.randomUUID().toString().substring(0, 8);
        String bob = "bob-" + UUID.randomUUID().toString().substring(0, 8);
        String bobsPassword = "bobs chat password " + UUID.randomUUID();
        Map<String, String> bobsLogin = Map.of("username", bob, "password", bobsPassword);

        // bob's chat account (his first login makes it), then a message to him through each api-service instance
        assertThat(post(8080, "/api/v1/sessions", bobsLogin, null).statusCode()).isEqualTo(201);
        String first = accepted(post(8080, "/api/v1/messages",
                Map.of("fromId", alice, "toId", bob, "message", "hello bob, through the first api"), apiKey));
        String second = accepted(post(8180, "/api/v1/messages",
                Map.of("fromId", alice, "toId", bob, "message", "hello bob, through the second api"), apiKey));

        // the login chatpipe hands bob for his own XMPP account; the same password on both servers
        HttpResponse<String> credentials = post(8180, "/api/v1/xmpp-credentials", bobsLogin, null);
        assertThat(credentials.statusCode()).isEqualTo(200);
        String xmppPassword = json(credentials).path("password").asString();
        assertThat(json(credentials).path("jid").asString()).isEqualTo(bob + "@localhost");

        for (XmppServer server : List.of(EJABBERD, OPENFIRE)) {
            // the worker of that server creates bob's account on its way to delivering the first message
            try (XmppTestClient client = await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(2))
                    .ignoreExceptions().until(() -> XmppTestClient.login(server, bob, xmppPassword), c -> true)) {
                for (String id : List.of(first, second)) {
                    var message = client.awaitMessage(PATIENCE, m -> id.equals(m.getStanzaId()));
                    assertThat(message.getFrom().asBareJid().toString()).as("at port %d", server.clientPort())
                            .isEqualTo(alice + "@localhost");
                }
            }
        }
    }

    @Test
    void eitherHistoryInstanceAnswersEveryMessageOfAConversationOnce() {
        String carol = "carol-" + UUID.randomUUID().toString().substring(0, 8);
        String dave = "dave-" + UUID.randomUUID().toString().substring(0, 8);
        var ids = new ArrayList<String>();
        for (int i = 0; i < 10; i++) {
            ids.add(accepted(post(i % 2 == 0 ? 8080 : 8180, "/api/v1/messages",
                    Map.of("fromId", carol, "toId", dave, "message", "message " + i), apiKey)));
        }
        for (int port : List.of(8081, 8181)) {
            await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                HttpResponse<String> page = get(port, "/api/v1/conversations/" + carol + "/" + dave + "/messages");
                assertThat(page.statusCode()).isEqualTo(200);
                var found = new ArrayList<String>();
                json(page).path("messages").forEach(message -> found.add(message.path("messageId").asString()));
                assertThat(found).as("history at %d", port).containsExactlyInAnyOrderElementsOf(ids);
            });
        }
    }

    @Test
    void theRestApisRefuseCallsWithoutTheApiKey() {
        assertThat(post(8080, "/api/v1/messages", Map.of("fromId", "eve", "toId", "bob", "message", "hi"), null)
                .statusCode()).isEqualTo(401);
        assertThat(get(8081, "/api/v1/conversations/eve/bob/messages", null).statusCode()).isEqualTo(401);
    }

    @Test
    void ejabberdsAdminApiAnswersTheWorkersAccountAndNobodyElse() throws Exception {
        ContainerState worker = container("xmpp-delivery-worker-1");
        String call = "curl -s -o /dev/null -w '%%{http_code}' %s -H 'Content-Type: application/json' "
                + "-d '{\"user\":\"nobody\",\"host\":\"localhost\"}' http://ejabberd:5280/api/user_sessions_info";
        String password = "\"$(cat /run/chatpipe-secrets/worker/chatpipe.worker.ejabberd.auth.password)\"";

        assertThat(shell(worker, call.formatted("")).getStdout()).isIn("401", "403");
        assertThat(shell(worker, call.formatted("-u chatpipe-api@localhost:wrong")).getStdout()).isIn("401", "403");
        assertThat(shell(worker, call.formatted("-u chatpipe-api@localhost:" + password)).getStdout()).isEqualTo("200");
    }

    @Test
    void nobodyRegistersAnAccountInBandFromTheNetwork() {
        assertThatThrownBy(() -> XmppTestClient.register(EJABBERD, "mallory-" + UUID.randomUUID().toString()
                .substring(0, 8), "mallorys password")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void everyTopicHasThreeInSyncCopiesAndAcknowledgedWritesWaitForTwo() throws Exception {
        ExecResult topic = container("kafka-1").execInContainer("/opt/kafka/bin/kafka-topics.sh",
                "--bootstrap-server", "kafka-1:9092", "--describe", "--topic", "chat.messages");
        assertThat(topic.getExitCode()).as(topic.getStderr()).isZero();
        assertThat(topic.getStdout()).contains("ReplicationFactor: 3", "min.insync.replicas=2");
        assertThat(topic.getStdout().lines().filter(line -> line.contains("Partition:")))
                .isNotEmpty().allSatisfy(line -> assertThat(line.replaceAll(".*Isr: ([0-9,]+).*", "$1").split(","))
                        .hasSize(3));
    }

    // -------------------------------------------------------------------------------------------------

    record Server(String domain, String host, int clientPort) implements XmppServer {
    }

    static ExecResult shell(ContainerState container, String command) throws IOException, InterruptedException {
        ExecResult result = container.execInContainer("sh", "-c", command);
        assertThat(result.getExitCode()).as(result.getStderr()).isZero();
        return result;
    }

    static String accepted(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return json(response).path("messageId").asString();
    }

    static JsonNode json(HttpResponse<String> response) {
        return ChatJson.MAPPER.readTree(response.body());
    }

    static HttpResponse<String> post(int port, String path, Object body, String key) {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(ChatJson.MAPPER.writeValueAsString(body)));
        return send(key == null ? request : request.header("Authorization", "Bearer " + key));
    }

    static HttpResponse<String> get(int port, String path) {
        return get(port, path, apiKey);
    }

    static HttpResponse<String> get(int port, String path, String key) {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET();
        return send(key == null ? request : request.header("Authorization", "Bearer " + key));
    }

    static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
