package io.chatpipe.history.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatpipe.events.UserId;
import io.chatpipe.events.auth.ApiKeyRing;
import io.chatpipe.history.ChatTraffic;
import io.chatpipe.history.ChatTraffic.Sent;
import io.chatpipe.history.HistoryInstance;
import io.chatpipe.history.HistoryInstance.Answer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Erasing a user's messages on the real broker: an event in chat.erasures, after which the user's messages are
 * gone from conversations, message lookups, inboxes and the audit, and stay gone after a rebuild from the topics;
 * other users' conversations are untouched, and what the user sends afterwards is kept.
 */
class ErasureIntegrationTests {

    private static final Duration PATIENCE = Duration.ofSeconds(90);

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final UserId alice = UserId.of("erase-alice-" + run);
    private final UserId bob = UserId.of("erase-bob-" + run);
    private final UserId carol = UserId.of("erase-carol-" + run);
    private final String adminKey = "admin-" + run;
    private final String readerKey = "reader-" + run;

    @Test
    void erasesAUsersMessagesEverywhereAndKeepsThemErasedAfterARebuild(@TempDir Path stateDir) {
        String applicationId = "history-erase-" + run;
        String[] auth = {
                "--chatpipe.history.auth.required=true",
                "--chatpipe.history.auth.keys[0].name=admin",
                "--chatpipe.history.auth.keys[0].secret-sha256=" + ApiKeyRing.sha256(adminKey),
                "--chatpipe.history.auth.keys[0].roles=admin,audit",
                "--chatpipe.history.auth.keys[1].name=reader",
                "--chatpipe.history.auth.keys[1].secret-sha256=" + ApiKeyRing.sha256(readerKey)};
        Instant start = Instant.now().minusSeconds(1);
        Sent toBob;
        Sent bobToCarol;
        Sent afterwards;
        try (ChatTraffic traffic = new ChatTraffic();
                HistoryInstance history = HistoryInstance.start(applicationId, stateDir, auth)) {
            toBob = traffic.send(alice, bob, "alice to bob");
            Sent fromBob = traffic.send(bob, alice, "bob to alice");
            bobToCarol = traffic.send(bob, carol, "bob to carol");
            awaitStatus(history, "/api/v1/messages/" + bobToCarol.id(), 200);
            awaitStatus(history, "/api/v1/messages/" + fromBob.id(), 200);

            assertThat(history.delete(messagesOf(alice), "Authorization", "Bearer " + readerKey).status())
                    .isEqualTo(403);
            Answer erased = history.delete(messagesOf(alice), "Authorization", "Bearer " + adminKey);
            assertThat(erased.status()).isEqualTo(202);
            assertThat(erased.json().get("userId").asString()).isEqualTo(alice.value());
            assertThat(erased.json().get("requestedBy").asString()).isEqualTo("key admin");

            awaitStatus(history, "/api/v1/messages/" + toBob.id(), 404);
            assertErased(history, toBob, fromBob, bobToCarol);
            String audit = get(history, "/api/v1/audit/messages?from=" + start + "&to="
                    + Instant.now().plusSeconds(1)).body();
            assertThat(audit).doesNotContain(toBob.id(), fromBob.id()).contains(bobToCarol.id());

            afterwards = traffic.send(bob, alice, "after the erasure");
            awaitStatus(history, "/api/v1/messages/" + afterwards.id(), 200);
            assertThat(get(history, conversation(alice, bob)).bodies()).containsExactly("after the erasure");
        }

        try (HistoryInstance rebuilt = HistoryInstance.start(applicationId, stateDir,
                concat(auth, "--chatpipe.history.streams.rebuild=true"))) {
            awaitStatus(rebuilt, "/api/v1/messages/" + afterwards.id(), 200);
            awaitStatus(rebuilt, "/api/v1/messages/" + bobToCarol.id(), 200);
            assertThat(get(rebuilt, "/api/v1/messages/" + toBob.id()).status()).isEqualTo(404);
            assertThat(get(rebuilt, conversation(alice, bob)).bodies()).containsExactly("after the erasure");
            assertThat(get(rebuilt, conversation(bob, carol)).bodies()).containsExactly("bob to carol");
        }
    }

    private void assertErased(HistoryInstance history, Sent toBob, Sent fromBob, Sent bobToCarol) {
        assertThat(get(history, "/api/v1/messages/" + fromBob.id()).status()).isEqualTo(404);
        assertThat(get(history, conversation(alice, bob)).messages()).isEmpty();
        assertThat(get(history, conversation(alice, bob)).status()).isEqualTo(200);
        assertThat(get(history, conversation(bob, carol)).bodies()).containsExactly("bob to carol");
        // the inboxes are written through a repartition topic, behind the message lookups: an inbox may show a
        // state from before the erasure (bob's with only alice in it) until its entries and the erasure's arrive
        await().atMost(PATIENCE).untilAsserted(() -> {
            Answer bobsInbox = get(history, inbox(bob));
            assertThat(bobsInbox.status()).isEqualTo(200);
            assertThat(bobsInbox.json().get("conversations").valueStream().map(c -> c.get("with").asString()))
                    .containsExactly(carol.value());
            Answer alicesInbox = get(history, inbox(alice));
            assertThat(alicesInbox.status()).isEqualTo(200);
            assertThat(alicesInbox.json().get("conversations").size()).isZero();
        });
        assertThat(toBob.id()).isNotEqualTo(bobToCarol.id());
    }

    private Answer get(HistoryInstance history, String path) {
        return history.get(path, "Authorization", "Bearer " + adminKey);
    }

    private void awaitStatus(HistoryInstance history, String path, int status) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100))
                .until(() -> get(history, path).status() == status);
    }

    private static String[] concat(String[] args, String more) {
        return java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.stream.Stream.of(more))
                .toArray(String[]::new);
    }

    private static String messagesOf(UserId user) {
        return "/api/v1/users/" + user.value() + "/messages";
    }

    private static String conversation(UserId a, UserId b) {
        return "/api/v1/conversations/" + a.value() + "/" + b.value() + "/messages";
    }

    private static String inbox(UserId user) {
        return "/api/v1/users/" + user.value() + "/conversations";
    }
}
