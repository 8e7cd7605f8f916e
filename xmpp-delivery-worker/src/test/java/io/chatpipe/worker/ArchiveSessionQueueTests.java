package io.chatpipe.worker;

import static io.chatpipe.worker.RunningWorker.unique;
import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.capture.CaptureApplication;
import io.chatpipe.events.DeliveryAttempted;
import io.chatpipe.events.DeliveryAttempted.Outcome;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import io.chatpipe.testsupport.Ejabberd;
import io.chatpipe.testsupport.KafkaBroker;
import io.chatpipe.testsupport.TopicRecords;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@link SessionQueueTests}' stalled session, with {@code confirm-by=archive} and the real capture reading
 * ejabberd's archive in PostgreSQL: what waited in the dead session's queue never reached the archive, so
 * capture never wrote its evidence, and the worker sends exactly those messages again; a message whose row
 * was there before the stop is not sent again. Afterwards every message is in the recipient's archive once.
 */
class ArchiveSessionQueueTests {

    private static final Logger log = LoggerFactory.getLogger(ArchiveSessionQueueTests.class);

    /** As SessionQueueTests: far more than the stalled socket and the server's buffers hold. */
    private static final int MESSAGES = 120;

    private static final String BIG = "x".repeat(60_000);

    @Test
    void sendsAgainOnlyWhatNeverReachedTheArchiveWhenAStalledSessionDies() throws Exception {
        Ejabberd ejabberd = RunningWorker.ejabberd();
        UserId sender = UserId.of(unique("aqueue-s"));
        UserId recipient = UserId.of(unique("aqueue-r"));
        var hello = MessageAccepted.of(MessageId.random(), sender, recipient, "hello", Instant.now(), null);
        List<MessageAccepted> backlog = new ArrayList<>();
        for (int i = 0; i < MESSAGES; i++) {
            backlog.add(MessageAccepted.of(MessageId.random(), sender, recipient, i + " " + BIG, Instant.now(), null));
        }
        List<String> expected = backlog.stream().map(m -> m.messageId().toString()).toList();
        Set<MessageId> ids = backlog.stream().map(MessageAccepted::messageId).collect(Collectors.toSet());

        Map<String, Integer> storedBeforeTheStop;
        double sentAgain;
        try (var capture = new Capture(); var worker = RunningWorker.start(
                "--chatpipe.worker.ejabberd.confirm-by=archive",
                // short, so that the stalled messages are found without evidence in seconds
                "--chatpipe.worker.ejabberd.archive-patience=8s")) {
            // the first message has the worker create both accounts; its evidence comes through capture
            RunningWorker.publishAll(List.of(hello));
            TopicReader.awaitOne(Topics.DELIVERIES, r -> r.value().messageId().equals(hello.messageId())
                    && r.value().outcome() == Outcome.ACCEPTED);

            try (var stalled = StalledXmppClient.login(ejabberd, recipient.localpart(),
                    RunningWorker.passwordOf(recipient))) {
                RunningWorker.publishAll(backlog);
                // the session handles (and archives) what its socket takes, then blocks: the rest waits in its
                // queue, unarchived, and the worker finds those without evidence after the patience
                TopicRecords.await(Topics.DELIVERIES, r -> ids.contains(r.value().messageId()),
                        found -> found.stream().anyMatch(r -> r.value().outcome() == Outcome.RETRYING),
                        Duration.ofSeconds(120));
                storedBeforeTheStop = rowsPerMessage(ejabberd, recipient, expected);
                log.info("Before the stop: {} of {} messages in the recipient's archive", storedBeforeTheStop.size(),
                        MESSAGES);
                ejabberd.stop();
            } finally {
                ejabberd.start();
            }
            var outcomes = TopicRecords.await(Topics.DELIVERIES, r -> ids.contains(r.value().messageId()),
                    found -> accepted(found).size() == MESSAGES, Duration.ofSeconds(180));
            sentAgain = worker.context.getBean(MeterRegistry.class).get("chatpipe.worker.evidence.missing")
                    .counter().count();

            Set<MessageId> retried = outcomes.stream().filter(r -> r.value().outcome() == Outcome.RETRYING)
                    .map(r -> r.value().messageId()).collect(Collectors.toSet());
            assertThat(storedBeforeTheStop).as("the session archived what its socket took before it stalled")
                    .isNotEmpty();
            assertThat(storedBeforeTheStop.size()).as("and not everything: the rest waited in its queue")
                    .isLessThan(MESSAGES);
            // a message whose row was there was never found missing, so never sent again
            assertThat(retried).as("messages sent again").isNotEmpty()
                    .noneMatch(id -> storedBeforeTheStop.containsKey(id.toString()));
        }

        Map<String, Integer> rows = rowsPerMessage(ejabberd, recipient, expected);
        assertThat(expected).as("every message is in the recipient's archive").allSatisfy(id ->
                assertThat(rows).containsKey(id));
        assertThat(rows).as("once: none was sent again while its row existed").allSatisfy((id, count) ->
                assertThat(count).as(id).isEqualTo(1));
        assertThat(sentAgain).as("chatpipe.worker.evidence.missing: messages sent again for want of a row")
                .isPositive();
    }

    private static List<MessageId> accepted(List<? extends ConsumerRecord<?, DeliveryAttempted>> outcomes) {
        return outcomes.stream().filter(r -> r.value().outcome() == Outcome.ACCEPTED)
                .map(r -> r.value().messageId()).distinct().toList();
    }

    /** How many rows of each expected message the recipient's archive holds, read as capture reads it. */
    private static Map<String, Integer> rowsPerMessage(Ejabberd ejabberd, UserId recipient, List<String> expected)
            throws SQLException {
        Map<String, Integer> rows = new HashMap<>();
        try (var connection = ejabberd.archive().connectAsCapture();
             var query = connection.prepareStatement("SELECT xml FROM archive WHERE username = ?")) {
            query.setString(1, recipient.localpart());
            try (var result = query.executeQuery()) {
                while (result.next()) {
                    String xml = result.getString(1);
                    for (String id : expected) {
                        if (xml.contains("id='" + id + "'") || xml.contains("id=\"" + id + "\"")) {
                            rows.merge(id, 1, Integer::sum);
                        }
                    }
                }
            }
        }
        return rows;
    }

    /** xmpp-capture as it runs for real, in the test JVM: the archive's rows become evidence on chat.deliveries. */
    private static final class Capture implements AutoCloseable {

        private final ConfigurableApplicationContext context;

        Capture() {
            Ejabberd ejabberd = Ejabberd.shared();
            context = CaptureApplication.application().run("--server.port=0",
                    "--spring.kafka.bootstrap-servers=" + KafkaBroker.bootstrapServers(),
                    "--chatpipe.capture.xmpp-domain=" + ejabberd.domain(),
                    "--chatpipe.capture.archive.host=" + ejabberd.archive().host(),
                    "--chatpipe.capture.archive.port=" + ejabberd.archive().port(),
                    "--chatpipe.capture.archive.database=" + ejabberd.archive().database(),
                    "--chatpipe.capture.archive.user=" + ejabberd.archive().captureUser(),
                    "--chatpipe.capture.archive.password=" + ejabberd.archive().capturePassword());
        }

        @Override
        public void close() {
            context.close();
        }
    }
}
