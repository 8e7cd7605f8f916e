package io.chatpipe.history.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatpipe.events.AccountRegistered;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import io.chatpipe.events.auth.ApiKeyRing;
import io.chatpipe.history.ChatTraffic;
import io.chatpipe.history.ChatTraffic.Sent;
import io.chatpipe.history.HistoryInstance;
import io.chatpipe.history.HistoryInstance.Answer;
import io.chatpipe.testsupport.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * With credentials required, two instances of one history answer only what the credentials allow: a user with
 * their chat account (from chat.accounts) their own conversations, an API key its senders' conversations, the
 * audit only to a key with the audit role; whichever instance is asked, as the owner checks a forwarded request's
 * credentials again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthIntegrationTests {

    private static final Duration PATIENCE = Duration.ofSeconds(90);

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final UserId alice = UserId.of("auth-alice-" + run);
    private final UserId bob = UserId.of("auth-bob-" + run);
    private final UserId carol = UserId.of("auth-carol-" + run);
    private final UserId dave = UserId.of("auth-dave-" + run);
    private final String anyKey = "any-" + run;
    private final String aliceKey = "alice-" + run;
    private final String auditKey = "audit-" + run;
    private final List<Sent> aliceAndBob = new ArrayList<>();
    private final List<Sent> carolAndDave = new ArrayList<>();
    private ChatTraffic traffic;
    private HistoryInstance first;
    private HistoryInstance second;

    @BeforeAll
    void start(@TempDir Path firstState, @TempDir Path secondState) throws Exception {
        registerAccount(alice, "alice's password");
        traffic = new ChatTraffic();
        for (int i = 0; i < 4; i++) {
            aliceAndBob.add(traffic.send(i % 2 == 0 ? alice : bob, i % 2 == 0 ? bob : alice, "ab " + i));
            carolAndDave.add(traffic.send(i % 2 == 0 ? carol : dave, i % 2 == 0 ? dave : carol, "cd " + i));
        }
        String[] auth = {
                "--chatpipe.history.auth.required=true",
                "--chatpipe.history.auth.keys[0].name=any",
                "--chatpipe.history.auth.keys[0].secret-sha256=" + ApiKeyRing.sha256(anyKey),
                "--chatpipe.history.auth.keys[1].name=alice-app",
                "--chatpipe.history.auth.keys[1].secret-sha256=" + ApiKeyRing.sha256(aliceKey),
                "--chatpipe.history.auth.keys[1].senders[0]=" + alice.value(),
                "--chatpipe.history.auth.keys[2].name=auditor",
                "--chatpipe.history.auth.keys[2].secret-sha256=" + ApiKeyRing.sha256(auditKey),
                "--chatpipe.history.auth.keys[2].roles[0]=audit"};
        first = HistoryInstance.start("history-auth-" + run, firstState, auth);
        second = HistoryInstance.start("history-auth-" + run, secondState, auth);
        // both own partitions, so that each conversation is asked of an instance that forwards it
        for (HistoryInstance instance : List.of(first, second)) {
            await().atMost(PATIENCE).until(() -> instance.get("/api/v1/instances", "Authorization", "Bearer " + anyKey),
                    answer -> answer.status() == 200 && answer.json().get("state").asString().equals("RUNNING")
                            && answer.json().get("instances").valueStream()
                                    .filter(i -> !i.get("partitions").isEmpty()).count() == 2);
        }
    }

    @AfterAll
    void stop() {
        HistoryInstance.closeAll(first, second, traffic);
    }

    @Test
    void refusesARequestWithoutCredentialsAndSaysHowToAuthenticate() {
        Answer answer = first.get(path(alice, bob));

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.challenges()).anyMatch(c -> c.startsWith("Bearer realm=\"chatpipe\""))
                .anyMatch(c -> c.startsWith("Basic realm=\"chatpipe\""));
        assertThat(first.get("/actuator/health").status()).isEqualTo(200);
    }

    @Test
    void refusesAWrongKeyAndAWrongPassword() {
        Answer badKey = first.get(path(alice, bob), "Authorization", "Bearer not-" + anyKey);
        assertThat(badKey.status()).isEqualTo(401);
        assertThat(badKey.challenges()).anyMatch(c -> c.contains("error=\"invalid_token\""));

        assertThat(first.get(path(alice, bob), "Authorization", basic(alice, "wrong")).status()).isEqualTo(401);
        assertThat(first.get(path(bob, alice), "Authorization", basic(bob, "alice's password")).status())
                .isEqualTo(401);
    }

    @Test
    void aUserReadsTheirOwnConversationsOnEveryInstanceAndNoOneElses() {
        for (HistoryInstance asked : List.of(first, second)) {
            Answer own = awaitPage(asked, path(bob, alice), basic(alice, "alice's password"), aliceAndBob.size());
            assertThat(own.bodies()).containsExactly("ab 0", "ab 1", "ab 2", "ab 3");

            Answer other = asked.get(path(carol, dave), "Authorization", basic(alice, "alice's password"));
            assertThat(other.status()).isEqualTo(403);
            assertThat(other.contentType()).startsWith("application/problem+json");
            assertThat(other.body()).doesNotContain("cd 0");

            assertThat(asked.get("/api/v1/users/" + bob.value() + "/conversations", "Authorization",
                    basic(alice, "alice's password")).status()).isEqualTo(403);
            Answer inbox = await().atMost(PATIENCE).until(() -> asked.get("/api/v1/users/" + alice.value()
                    + "/conversations", "Authorization", basic(alice, "alice's password")), a -> a.status() == 200
                    && a.json().get("conversations").size() == 1);
            assertThat(inbox.json().get("conversations").get(0).get("with").asString()).isEqualTo(bob.value());

            Answer message = await().atMost(PATIENCE).until(() -> asked.get("/api/v1/messages/"
                    + aliceAndBob.getFirst().id(), "Authorization", basic(alice, "alice's password")),
                    a -> a.status() != 503 && a.status() != 404);
            assertThat(message.status()).isEqualTo(200);
            Answer othersMessage = await().atMost(PATIENCE).until(() -> asked.get("/api/v1/messages/"
                    + carolAndDave.getFirst().id(), "Authorization", basic(alice, "alice's password")),
                    a -> a.status() != 503 && a.status() != 404);
            assertThat(othersMessage.status()).isEqualTo(403);
        }
    }

    @Test
    void aKeyReadsTheConversationsOfItsSendersOrOfAnyoneWhenItHasNone() {
        for (HistoryInstance asked : List.of(first, second)) {
            assertThat(awaitPage(asked, path(alice, bob), "Bearer " + aliceKey, 4).bodies()).hasSize(4);
            assertThat(asked.get(path(carol, dave), "Authorization", "Bearer " + aliceKey).status()).isEqualTo(403);
            assertThat(awaitPage(asked, path(carol, dave), "Bearer " + anyKey, 4).bodies())
                    .containsExactly("cd 0", "cd 1", "cd 2", "cd 3");
        }
    }

    @Test
    void onlyAKeyWithTheAuditRoleReadsTheAudit() {
        String range = "/api/v1/audit/messages?from=" + Instant.now().minusSeconds(600) + "&to="
                + Instant.now().plusSeconds(60);

        assertThat(first.get(range, "Authorization", "Bearer " + anyKey).status()).isEqualTo(403);
        assertThat(first.get(range, "Authorization", basic(alice, "alice's password")).status()).isEqualTo(403);
        Answer audit = first.get(range, "Authorization", "Bearer " + auditKey);
        assertThat(audit.status()).isEqualTo(200);
        assertThat(audit.body()).contains(aliceAndBob.getFirst().id(), carolAndDave.getFirst().id());
    }

    private static Answer awaitPage(HistoryInstance asked, String path, String authorization, int messages) {
        return await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100))
                .until(() -> asked.get(path, "Authorization", authorization),
                        answer -> answer.status() == 200 && answer.messages().size() == messages);
    }

    private static String path(UserId a, UserId b) {
        return "/api/v1/conversations/" + a.value() + "/" + b.value() + "/messages";
    }

    private static String basic(UserId user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user.value() + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
    }

    /** Writes the account as the api-service does on a first login: a {bcrypt} hash in chat.accounts. */
    static void registerAccount(UserId user, String password) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaBroker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(Topics.ACCOUNTS.name(), 4, (short) 1)
                    .configs(Map.of("cleanup.policy", "compact")))).all().get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers()),
                Topics.ACCOUNTS.keys().serializer(), Topics.ACCOUNTS.values().serializer())) {
            producer.send(new ProducerRecord<>(Topics.ACCOUNTS.name(), user, AccountRegistered.of(user,
                    "{bcrypt}" + new BCryptPasswordEncoder().encode(password), Instant.now())))
                    .get(30, TimeUnit.SECONDS);
        }
    }
}
