package io.chatpipe.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ejabberd stopped for 20 seconds in the middle of 2,000 messages over 50 conversations: once it is
 * back, every message arrives, in order in each conversation.
 */
class OutageTests {

    private static final Logger log = LoggerFactory.getLogger(OutageTests.class);

    @Test
    void deliversEveryMessageInOrderAfterEjabberdWasDownFor20Seconds() throws Exception {
        // 5 senders x 10 recipients = 50 conversations of 40 messages
        var backlog = new Backlog("outage", 5, 10, 40);
        int half = backlog.messages.size() / 2;

        try (var worker = RunningWorker.start()) {
            long started = System.nanoTime();
            RunningWorker.publishAll(backlog.messages.subList(0, half));
            await().atMost(Duration.ofSeconds(60)).until(() -> worker.accepted() >= half / 2.0);

            worker.ejabberd.stop();
            try {
                RunningWorker.publishAll(backlog.messages.subList(half, backlog.messages.size()));
                Thread.sleep(Duration.ofSeconds(20));   // the outage, not a wait for a result
            } finally {
                worker.ejabberd.start();
            }
            await().atMost(Duration.ofSeconds(120)).until(() -> worker.accepted() >= backlog.messages.size());
            log.info("{} messages accepted {} ms after the first was published, 20 s outage included",
                    backlog.messages.size(), (System.nanoTime() - started) / 1_000_000);
            assertThat(worker.accepted()).isEqualTo(backlog.messages.size());
        }

        int duplicates = backlog.assertEveryMessageArrivedInOrder(RunningWorker.ejabberd(), Duration.ofSeconds(60));
        log.info("{} messages arrived twice (at-least-once across the outage)", duplicates);
    }
}
