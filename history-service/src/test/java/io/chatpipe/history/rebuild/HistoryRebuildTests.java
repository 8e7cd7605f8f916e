package io.chatpipe.history.rebuild;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.chatpipe.events.DeliveryAttempted.Outcome;
import io.chatpipe.events.UserId;
import io.chatpipe.history.ChatTraffic;
import io.chatpipe.history.ChatTraffic.Sent;
import io.chatpipe.history.HistoryInstance;
import io.chatpipe.history.HistoryInstance.Answer;
import io.chatpipe.testsupport.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A rebuild forgets everything derived from the topics, reads them again, and answers every query as before. */
class HistoryRebuildTests {

    private static final Duration PATIENCE = Duration.ofSeconds(90);

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String applicationId = "history-rebuild-" + run;

    @Test
    void rebuildsTheStoresFromTheTopicsAndAnswersAsBefore(@TempDir Path stateDir) throws Exception {
        UserId alice = user("alice");
        UserId bob = user("bob");
        UserId carol = user("carol");
        Map<String, String> before;
        Uuid changelogBefore;
        try (ChatTraffic traffic = new ChatTraffic()) {
            List<Sent> sent = List.of(traffic.send(alice, bob, "one"), traffic.send(bob, alice, "two"),
                    traffic.send(alice, bob, "three"), traffic.send(carol, bob, "four"),
                    traffic.send(alice, carol, "five"));
            traffic.send(sent.getFirst().message()); // a retried duplicate
            traffic.report(sent.get(0).message(), 1, Outcome.ACCEPTED, null);
            traffic.report(sent.get(1).message(), 1, Outcome.RETRYING, "down");
            traffic.report(sent.get(3).message(), 1, Outcome.FAILED, "gone");

            try (HistoryInstance history = HistoryInstance.start(applicationId, stateDir)) {
                awaitAnswer(history, "/api/v1/messages/" + sent.getLast().id());
                Answer read = await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100)).until(
                        () -> history.put("/api/v1/conversations/" + alice.value() + "/" + bob.value() + "/read",
                                "{\"userId\":\"" + bob.value() + "\",\"lastReadMessageId\":\"" + sent.get(0).id()
                                        + "\"}"),
                        answer -> answer.status() == 202);
                assertThat(read.status()).isEqualTo(202);
                // settled: the read horizon is folded in and the statuses are joined
                await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100)).until(
                        () -> history.get("/api/v1/users/" + bob.value() + "/conversations").body(),
                        body -> body.split("\"unreadCount\":1}", -1).length == 3);
                await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100)).until(
                        () -> history.get(conversation(carol, bob)).body(), body -> body.contains("failed"));
                before = answers(history, sent, List.of(alice, bob, carol));
                changelogBefore = changelogId();
            }
        }
        // "one" was delivered, then bob read it: read, by his horizon
        assertThat(before.get(conversation(alice, bob))).contains("\"read\"", "\"retrying\"");
        assertThat(before.get(inbox(bob))).contains("\"unreadCount\":1");

        try (HistoryInstance rebuilt = HistoryInstance.start(applicationId, stateDir,
                "--chatpipe.history.streams.rebuild=true")) {
            Map<String, String> after = await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200))
                    .until(() -> answersOrNull(rebuilt, before.keySet()), before::equals);

            assertThat(after).isEqualTo(before);
            // the stores were rebuilt from the topics, not restored from the old changelog
            assertThat(changelogId()).isNotEqualTo(changelogBefore);
        }
    }

    @Test
    void rebuildsOnceByItselfWhenTheStoresAreInTheFormerLayout(@TempDir Path stateDir) throws Exception {
        UserId alice = user("alice");
        UserId bob = user("bob");
        Map<String, String> before;
        Uuid changelogBefore;
        try (ChatTraffic traffic = new ChatTraffic()) {
            List<Sent> sent = List.of(traffic.send(alice, bob, "one"), traffic.send(bob, alice, "two"));
            try (HistoryInstance history = HistoryInstance.start(applicationId, stateDir)) {
                awaitAnswer(history, "/api/v1/messages/" + sent.getLast().id());
                before = answers(history, sent, List.of(alice, bob));
                changelogBefore = changelogId();
            }
        }
        // what a deployment of the version that kept inboxes by user still has
        String former = applicationId + "-inbox-by-user-repartition";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaBroker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(former, KafkaBroker.PARTITIONS, (short) 1))).all().get();

            try (HistoryInstance upgraded = HistoryInstance.start(applicationId, stateDir)) {
                Map<String, String> after = await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200))
                        .until(() -> answersOrNull(upgraded, before.keySet()), before::equals);

                assertThat(after).isEqualTo(before);
                assertThat(changelogId()).as("rebuilt, not restored").isNotEqualTo(changelogBefore);
                assertThat(admin.listTopics().names().get()).doesNotContain(former);
            }
        }
    }

    @Test
    void refusesToRebuildWhileAnInstanceIsRunning(@TempDir Path running, @TempDir Path other) {
        String id = applicationId + "-busy";
        try (HistoryInstance history = HistoryInstance.start(id, running)) {
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100))
                    .until(() -> history.get("/api/v1/instances").body().contains("\"RUNNING\""));

            assertThatThrownBy(() -> HistoryInstance.start(id, other, "--chatpipe.history.streams.rebuild=true"))
                    .hasStackTraceContaining("stop them all first");

            assertThat(history.get("/api/v1/conversations/a/b/messages").status()).isEqualTo(200);
        }
    }

    private Map<String, String> answers(HistoryInstance history, List<Sent> sent, List<UserId> users) {
        Map<String, String> answers = new LinkedHashMap<>();
        for (Sent message : sent) {
            var m = message.message();
            answers.put(conversation(m.fromId(), m.toId()), awaitAnswer(history, conversation(m.fromId(), m.toId())));
            answers.put("/api/v1/messages/" + message.id(), awaitAnswer(history, "/api/v1/messages/" + message.id()));
        }
        for (UserId user : users) {
            answers.put(inbox(user), awaitAnswer(history, inbox(user)));
        }
        return answers;
    }

    /** Every answer, or null while any of them is not a 200 yet. */
    private static Map<String, String> answersOrNull(HistoryInstance history, Iterable<String> paths) {
        Map<String, String> answers = new LinkedHashMap<>();
        for (String path : paths) {
            Answer answer = history.get(path);
            if (answer.status() != 200) {
                return null;
            }
            answers.put(path, answer.body());
        }
        return answers;
    }

    private static String awaitAnswer(HistoryInstance history, String path) {
        return await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100))
                .until(() -> history.get(path), answer -> answer.status() == 200).body();
    }

    private Uuid changelogId() throws Exception {
        String changelog = applicationId + "-conversation-messages-changelog";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaBroker.bootstrapServers()))) {
            return await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> admin.describeTopics(List.of(changelog)).allTopicNames().get().get(changelog)
                            .topicId(), id -> id != null);
        }
    }

    private static String conversation(UserId a, UserId b) {
        return "/api/v1/conversations/" + a.value() + "/" + b.value() + "/messages";
    }

    private static String inbox(UserId user) {
        return "/api/v1/users/" + user.value() + "/conversations";
    }

    private UserId user(String name) {
        return UserId.of(name + "-" + run);
    }
}
