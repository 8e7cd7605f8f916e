package io.chatpipe.history.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatpipe.events.UserId;
import io.chatpipe.history.ChatTraffic;
import io.chatpipe.history.ChatTraffic.Sent;
import io.chatpipe.history.HistoryInstance.Answer;
import io.chatpipe.history.HistoryProcess;
import io.chatpipe.testsupport.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A history-service process restarted after a kill -9 and after a clean stop, on the real broker, answers again
 * with every message it had and every message written while it was away. How long that took is logged (the
 * bench reports it), not asserted.
 */
class HistoryRestartTests {

    private static final Logger log = LoggerFactory.getLogger(HistoryRestartTests.class);
    private static final Duration PATIENCE = Duration.ofSeconds(120);

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void answersWithEveryMessageAfterAKillAndAfterACleanStop(@TempDir Path stateDir) throws Exception {
        String applicationId = "history-restart-" + run;
        int port = FreePorts.pick();
        Path logs = Files.createDirectories(Path.of("target", "history-restart"));
        UserId alice = UserId.of("alice-" + run);
        UserId bob = UserId.of("bob-" + run);
        String page = "/api/v1/conversations/" + alice.value() + "/" + bob.value() + "/messages";
        List<Sent> sent = new ArrayList<>();
        try (ChatTraffic traffic = new ChatTraffic()) {
            Consumer<String> send = body -> sent.add(traffic.send(alice, bob, body));
            send.accept("before the first start");
            HistoryProcess history = HistoryProcess.start(applicationId, stateDir, port, logs.resolve(run + "-1.log"));
            try {
                awaitEvery(history, page, sent, "first start");

                history.kill();
                send.accept("while killed");
                history = HistoryProcess.start(applicationId, stateDir, port, logs.resolve(run + "-2.log"));
                awaitEvery(history, page, sent, "restart after kill -9");
                // its stores were wiped and restored from their changelogs: each message is found by its id again
                for (Sent message : sent) {
                    assertThat(history.get("/api/v1/messages/" + message.id()).status()).as(message.id())
                            .isEqualTo(200);
                }

                history.stop();
                assertThat(history.alive()).isFalse();
                send.accept("while stopped");
                history = HistoryProcess.start(applicationId, stateDir, port, logs.resolve(run + "-3.log"));
                awaitEvery(history, page, sent, "restart after a clean stop");
            } finally {
                history.close();
            }
        }
    }

    /** Waits for the page to hold exactly the messages sent, in order, and logs how long after the start. */
    private static void awaitEvery(HistoryProcess history, String page, List<Sent> sent, String what) {
        List<String> ids = sent.stream().map(Sent::id).toList();
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(50)).until(() -> history.get(page).status() != 0);
        long listening = System.nanoTime();
        Answer answer = await().atMost(PATIENCE).pollInterval(Duration.ofMillis(50))
                .until(() -> history.get(page), a -> a.status() == 200 && a.messages().size() == ids.size());
        long firstAnswer = System.nanoTime();
        assertThat(answer.messages()).extracting(m -> m.get("messageId").asString()).containsExactlyElementsOf(ids);
        log.info("{}: history answered with all {} messages {} ms after its process started, {} ms after its web "
                + "server did", what, ids.size(), (firstAnswer - history.startedNanos()) / 1_000_000,
                (firstAnswer - listening) / 1_000_000);
    }
}
