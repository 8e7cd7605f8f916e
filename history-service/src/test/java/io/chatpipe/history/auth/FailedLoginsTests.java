package io.chatpipe.history.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatpipe.events.UserId;
import io.chatpipe.events.auth.ApiKeyRing;
import io.chatpipe.history.HistoryInstance;
import io.chatpipe.history.HistoryInstance.Answer;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP Basic logins with chat accounts, against the real broker: beyond the bound of failed logins a request gets
 * 429 with {@code Retry-After} without a hash computed (counted by the service's {@code chatpipe.logins.hashes}),
 * the right password works again once the delay has passed, and other accounts and API keys are not touched.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FailedLoginsTests {

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final UserId alice = UserId.of("throttle-alice-" + run);
    private final UserId bob = UserId.of("throttle-bob-" + run);
    private final String key = "key-" + run;
    private HistoryInstance history;

    @BeforeAll
    void start(@TempDir Path state) throws Exception {
        AuthIntegrationTests.registerAccount(alice, "alice's password");
        AuthIntegrationTests.registerAccount(bob, "bob's password");
        history = HistoryInstance.start("history-throttle-" + run, state,
                "--chatpipe.history.auth.required=true",
                "--chatpipe.history.auth.keys[0].name=any",
                "--chatpipe.history.auth.keys[0].secret-sha256=" + ApiKeyRing.sha256(key),
                "--chatpipe.history.auth.logins.account-failures=3",
                // a window long enough that no failure comes back while the test guesses on a busy machine
                "--chatpipe.history.auth.logins.window=30s",
                "--chatpipe.history.auth.logins.address-failures=1000");
        // ready: the accounts are read and the stores answer
        await().atMost(Duration.ofSeconds(90)).until(() -> inbox(bob, "bob's password").status() == 200);
    }

    @AfterAll
    void stop() {
        HistoryInstance.closeAll(history);
    }

    @Test
    void guessesBeyondTheBoundGet429WithoutAHashAndTheRightPasswordWorksAfterTheDelay() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(inbox(alice, "guess " + i).status()).isEqualTo(401);
        }
        double hashes = hashes();
        double throttled = meter("chatpipe.logins.throttled");

        List<Answer> refused = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            refused.add(inbox(alice, "guess " + (3 + i)));
        }
        refused.add(inbox(alice, "alice's password"));

        assertThat(refused).allSatisfy(answer -> {
            assertThat(answer.status()).as(answer.body()).isEqualTo(429);
            assertThat(answer.contentType()).startsWith("application/problem+json");
            assertThat(Integer.parseInt(answer.retryAfter())).as("the first lock: 30 s / 3").isBetween(1, 10);
            assertThat(answer.body()).doesNotContain("alice's password");
        });
        assertThat(hashes()).as("no password of a throttled login was hashed").isEqualTo(hashes);
        assertThat(meter("chatpipe.logins.throttled")).isEqualTo(throttled + 5);
        assertThat(inbox(bob, "bob's password").status()).as("another account").isEqualTo(200);
        assertThat(history.get("/api/v1/users/" + alice.value() + "/conversations", "Authorization", "Bearer " + key)
                .status()).as("an API key").isEqualTo(200);

        Thread.sleep(Duration.ofSeconds(Long.parseLong(refused.getLast().retryAfter())));   // what Retry-After said
        assertThat(inbox(alice, "alice's password").status()).isEqualTo(200);
        assertThat(inbox(alice, "one more guess").status()).as("the success started the account afresh").isEqualTo(401);
    }

    @Test
    void eachInstanceCountsItsOwnFailuresAsTheReadmeSays(@TempDir Path otherState) throws Exception {
        UserId carol = UserId.of("throttle-carol-" + run);
        AuthIntegrationTests.registerAccount(carol, "carol's password");
        await().atMost(Duration.ofSeconds(90)).until(() -> inbox(history, carol, "carol's password").status() == 200);
        for (int i = 0; i < 3; i++) {
            assertThat(inbox(history, carol, "guess " + i).status()).isEqualTo(401);
        }
        assertThat(inbox(history, carol, "carol's password").status()).isEqualTo(429);

        try (HistoryInstance other = HistoryInstance.start("history-throttle-other-" + run, otherState,
                "--chatpipe.history.auth.required=true", "--chatpipe.history.auth.logins.account-failures=3")) {
            await().atMost(Duration.ofSeconds(90)).until(() -> inbox(other, bob, "bob's password").status() == 200);
            double hashes = hashes(other);

            assertThat(inbox(other, carol, "guess").status())
                    .as("the other instance has its own count: N instances allow N times the bound").isEqualTo(401);
            assertThat(hashes(other)).isEqualTo(hashes + 1);
            assertThat(inbox(other, carol, "carol's password").status()).isEqualTo(200);
        }
    }

    private Answer inbox(UserId user, String password) {
        return inbox(history, user, password);
    }

    private static Answer inbox(HistoryInstance history, UserId user, String password) {
        return history.get("/api/v1/users/" + user.value() + "/conversations", "Authorization", "Basic "
                + Base64.getEncoder().encodeToString((user.value() + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    private double hashes() {
        return hashes(history);
    }

    private static double hashes(HistoryInstance history) {
        return history.context().getBean(MeterRegistry.class).get("chatpipe.logins.hashes").functionCounter().count();
    }

    private double meter(String name) {
        return history.context().getBean(MeterRegistry.class).get(name).tag("door", "history").counter().count();
    }
}
