package io.chatpipe.worker;

import static io.chatpipe.worker.RunningWorker.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatpipe.events.DeliveryAttempted;
import io.chatpipe.events.DeliveryAttempted.Outcome;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import io.chatpipe.testsupport.Ejabberd;
import io.chatpipe.testsupport.TopicRecords;
import io.chatpipe.testsupport.XmppTestClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smackx.mam.MamManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ejabberd answers {@code send_stanza} once the stanza is queued for the recipient's session process,
 * not once that process has handled it. A recipient whose client stops reading makes the queue grow;
 * when ejabberd stops, what waited there is gone, neither delivered nor archived nor stored offline.
 * The worker must not call such a message delivered: it sends it again, and the recipient finds it.
 */
class SessionQueueTests {

    private static final Logger log = LoggerFactory.getLogger(SessionQueueTests.class);

    /** 120 messages of about 60 KB: far more than the stalled socket and the server's buffers hold. */
    private static final int MESSAGES = 120;

    private static final String BIG = "x".repeat(60_000);

    /**
     * @param backend {@code ejabberd-api}, or {@code smack} on ejabberd with its admin API for accounts: the
     *                sender's stream routes into the recipient's queue just the same
     */
    @ParameterizedTest
    @ValueSource(strings = {"ejabberd-api", "smack"})
    void resendsWhatWaitedInAStalledSessionsQueueWhenEjabberdStopped(String backend) throws Exception {
        Ejabberd ejabberd = RunningWorker.ejabberd();
        UserId sender = UserId.of(unique("queue-s"));
        UserId recipient = UserId.of(unique("queue-r"));
        var hello = MessageAccepted.of(MessageId.random(), sender, recipient, "hello", Instant.now(), null);
        List<MessageAccepted> backlog = new ArrayList<>();
        for (int i = 0; i < MESSAGES; i++) {
            backlog.add(MessageAccepted.of(MessageId.random(), sender, recipient, i + " " + BIG, Instant.now(), null));
        }
        Set<MessageId> ids = backlog.stream().map(MessageAccepted::messageId).collect(Collectors.toSet());

        // a short patience: the stalled session is found unconfirmed in seconds, not the default 20
        String patience = "--chatpipe.worker.ejabberd.confirm-patience=3s";
        try (var worker = backend.equals("smack")
                ? RunningWorker.startSmack(ejabberd, "--chatpipe.worker.smack.accounts=ejabberd-api", patience)
                : RunningWorker.start(patience)) {
            // the first message has the worker create both accounts
            RunningWorker.publishAll(List.of(hello));
            TopicReader.awaitOne(Topics.DELIVERIES, r -> r.value().messageId().equals(hello.messageId())
                    && r.value().outcome() == Outcome.ACCEPTED);

            try (var stalled = StalledXmppClient.login(ejabberd, recipient.localpart(),
                    RunningWorker.passwordOf(recipient))) {
                RunningWorker.publishAll(backlog);
                // the old worker calls them all delivered at once; a careful one finds a message unconfirmed
                var outcomes = TopicRecords.await(
                        Topics.DELIVERIES, r -> ids.contains(r.value().messageId()),
                        found -> accepted(found).size() == MESSAGES
                                || found.stream().anyMatch(r -> r.value().outcome() == Outcome.RETRYING),
                        Duration.ofSeconds(120));
                log.info("Before the stop: {} of {} accepted, {} retried", accepted(outcomes).size(), MESSAGES,
                        outcomes.stream().filter(r -> r.value().outcome() == Outcome.RETRYING).count());
                ejabberd.stop();
            } finally {
                ejabberd.start();
            }
            TopicRecords.await(Topics.DELIVERIES, r -> ids.contains(r.value().messageId()),
                    found -> accepted(found).size() == MESSAGES, Duration.ofSeconds(120));
        }

        // what the recipient's next login finds: the offline store, and the archive of what its session handled
        try (var client = XmppTestClient.login(ejabberd, recipient.localpart(), RunningWorker.passwordOf(recipient))) {
            Set<String> found = ConcurrentHashMap.newKeySet();
            List<String> expected = backlog.stream().map(m -> m.messageId().toString()).toList();
            try {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
                    client.received().stream().map(Message::getStanzaId).filter(Objects::nonNull).forEach(found::add);
                    found.addAll(archived(client));
                    return found.containsAll(expected);
                });
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                Set<String> missing = new LinkedHashSet<>(expected);
                missing.removeAll(found);
                List<Integer> positions = missing.stream().map(expected::indexOf).sorted().toList();
                throw new AssertionError(recipient + " has " + (MESSAGES - missing.size()) + " of the " + MESSAGES
                        + " messages the worker recorded as delivered; lost: " + positions, e);
            }
            assertThat(found).containsAll(expected);
        }
    }

    /**
     * The same stall and stop with {@code confirm-by=archive}, the test reading the recipient's archive in
     * capture's place: what the session handled before the stop is in the archive and is not sent again;
     * what waited in its queue has no row, is sent again once ejabberd is back, and is in the archive then.
     */
    @Test
    void withTheArchiveAsEvidenceSendsAgainOnlyWhatHasNoRowWhenEjabberdStopped() throws Exception {
        Ejabberd ejabberd = RunningWorker.ejabberd();
        UserId sender = UserId.of(unique("archive-s"));
        UserId recipient = UserId.of(unique("archive-r"));
        var hello = MessageAccepted.of(MessageId.random(), sender, recipient, "hello", Instant.now(), null);
        List<MessageAccepted> backlog = new ArrayList<>();
        for (int i = 0; i < MESSAGES; i++) {
            backlog.add(MessageAccepted.of(MessageId.random(), sender, recipient, i + " " + BIG, Instant.now(), null));
        }
        Set<MessageId> ids = backlog.stream().map(MessageAccepted::messageId).collect(Collectors.toSet());
        List<String> expected = backlog.stream().map(m -> m.messageId().toString()).toList();
        Set<String> wanted = new java.util.HashSet<>(expected);
        wanted.add(hello.messageId().toString());

        Set<String> inTheArchiveBeforeTheStop;
        try (var worker = RunningWorker.start("--chatpipe.worker.ejabberd.confirm-by=archive",
                "--chatpipe.worker.ejabberd.archive-patience=5s");
             var capture = new ArchiveWatcher(ejabberd, recipient.localpart(), RunningWorker.passwordOf(recipient),
                     hello.conversationId(), wanted)) {
            // the first message has the worker create both accounts, and is confirmed by its row
            RunningWorker.publishAll(List.of(hello));
            TopicReader.awaitOne(Topics.DELIVERIES, r -> r.value().messageId().equals(hello.messageId())
                    && r.value().outcome() == Outcome.ACCEPTED);

            try (var stalled = StalledXmppClient.login(ejabberd, recipient.localpart(),
                    RunningWorker.passwordOf(recipient))) {
                RunningWorker.publishAll(backlog);
                // the stalled session handles a few and archives them; the rest wait in its queue, rowless
                TopicRecords.await(Topics.DELIVERIES, r -> ids.contains(r.value().messageId()),
                        found -> found.stream().anyMatch(r -> r.value().outcome() == Outcome.RETRYING),
                        Duration.ofSeconds(120));
                inTheArchiveBeforeTheStop = capture.stored.stream().filter(expected::contains).collect(Collectors.toSet());
                log.info("Before the stop: {} of {} in the archive", inTheArchiveBeforeTheStop.size(), MESSAGES);
                ejabberd.stop();
            } finally {
                ejabberd.start();
            }
            TopicRecords.await(Topics.DELIVERIES, r -> ids.contains(r.value().messageId()),
                    found -> accepted(found).size() == MESSAGES, Duration.ofSeconds(120));
        }

        var outcomes = TopicRecords.readAll(Topics.DELIVERIES, r -> ids.contains(r.value().messageId()));
        Set<String> sentAgain = outcomes.stream().filter(r -> r.value().outcome() == Outcome.RETRYING)
                .map(r -> r.value().messageId().toString()).collect(Collectors.toSet());
        log.info("{} of {} sent again for want of a row", sentAgain.size(), MESSAGES);
        assertThat(sentAgain).isNotEmpty().doesNotContainAnyElementsOf(inTheArchiveBeforeTheStop);
        try (var client = XmppTestClient.login(ejabberd, recipient.localpart(), RunningWorker.passwordOf(recipient))) {
            assertThat(archived(client)).containsAll(expected);
        }
    }

    private static List<MessageId> accepted(List<? extends ConsumerRecord<?, DeliveryAttempted>> outcomes) {
        return outcomes.stream().filter(r -> r.value().outcome() == Outcome.ACCEPTED)
                .map(r -> r.value().messageId()).distinct().toList();
    }

    /** The ids of every message in the user's archive (XEP-0313), page by page. */
    private static Set<String> archived(XmppTestClient client) throws Exception {
        var query = MamManager.getInstanceFor(client.connection())
                .queryArchive(MamManager.MamQueryArgs.builder().setResultPageSizeTo(100).build());
        Set<String> ids = new LinkedHashSet<>();
        query.getMessages().stream().map(Message::getStanzaId).filter(Objects::nonNull).forEach(ids::add);
        while (!query.isComplete()) {
            query.pageNext(100).stream().map(Message::getStanzaId).filter(Objects::nonNull).forEach(ids::add);
        }
        return ids;
    }
}
