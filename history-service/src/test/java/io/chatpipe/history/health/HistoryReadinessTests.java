package io.chatpipe.history.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatpipe.events.UserId;
import io.chatpipe.history.ChatTraffic;
import io.chatpipe.history.ChatTraffic.Sent;
import io.chatpipe.history.HistoryInstance;
import io.chatpipe.history.HistoryInstance.Answer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readiness tells the truth on the real broker: an instance is ready only when its queries answer, and not while
 * a second instance joins and the partitions are handed out again; liveness stays up all along.
 */
class HistoryReadinessTests {

    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final String READINESS = "/actuator/health/readiness";

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void isNotReadyWhileASecondInstanceJoinsAndRebalancesThenReadyWithQueriesAnswering(@TempDir Path firstState,
            @TempDir Path secondState) throws Exception {
        String applicationId = "history-readiness-" + run;
        ChatTraffic traffic = new ChatTraffic();
        HistoryInstance first = null;
        HistoryInstance second = null;
        ExecutorService poller = Executors.newSingleThreadExecutor();
        try {
            first = HistoryInstance.start(applicationId, firstState);
            List<Sent> sent = List.of(
                    traffic.send(user("alice"), user("bob"), "before the second instance"),
                    traffic.send(user("carol"), user("dave"), "before the second instance"),
                    traffic.send(user("erin"), user("frank"), "before the second instance"));
            awaitReady(first);
            // ready means that every query answers now, without waiting
            for (Sent message : sent) {
                assertThat(first.get(path(message)).status()).isEqualTo(200);
            }

            List<Integer> firstReadiness = new CopyOnWriteArrayList<>();
            List<Integer> firstLiveness = new CopyOnWriteArrayList<>();
            AtomicBoolean polling = new AtomicBoolean(true);
            HistoryInstance watched = first;
            Future<?> watching = poller.submit(() -> {
                while (polling.get()) {
                    firstReadiness.add(watched.get(READINESS).status());
                    firstLiveness.add(watched.get("/actuator/health/liveness").status());
                }
            });

            second = HistoryInstance.start(applicationId, secondState);
            Answer joining = second.get(READINESS);
            assertThat(joining.status()).isEqualTo(503);
            assertThat(joining.json().get("status").asString()).isEqualTo("OUT_OF_SERVICE");
            assertThat(second.get("/actuator/health").status()).isEqualTo(503);
            assertThat(second.get("/actuator/health/liveness").status()).isEqualTo(200);

            awaitReady(second);
            awaitReady(first);
            polling.set(false);
            watching.get();

            // the first instance went out of service while the partitions moved, and came back by itself
            assertThat(firstReadiness).contains(503);
            assertThat(firstReadiness.getFirst()).isEqualTo(200);
            assertThat(firstLiveness).containsOnly(200);
            for (HistoryInstance instance : List.of(first, second)) {
                assertThat(instance.get("/actuator/health").status()).isEqualTo(200);
                for (Sent message : sent) {
                    Answer page = instance.get(path(message));
                    assertThat(page.status()).isEqualTo(200);
                    assertThat(page.bodies()).containsExactly("before the second instance");
                }
            }
        } finally {
            poller.shutdownNow();
            HistoryInstance.closeAll(second, first, traffic);
        }
    }

    private static void awaitReady(HistoryInstance instance) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(50))
                .until(() -> instance.get(READINESS).status() == 200);
    }

    private static String path(Sent sent) {
        return "/api/v1/conversations/" + sent.message().fromId().value() + "/" + sent.message().toId().value()
                + "/messages";
    }

    private UserId user(String name) {
        return UserId.of(name + "-" + run);
    }
}
