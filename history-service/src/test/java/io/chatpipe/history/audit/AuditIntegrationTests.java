package io.chatpipe.history.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.events.ChatJson;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.UserId;
import io.chatpipe.history.ChatTraffic;
import io.chatpipe.history.ChatTraffic.Sent;
import io.chatpipe.history.HistoryInstance;
import io.chatpipe.history.HistoryInstance.Answer;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The audit reads chat.messages itself: Kafka Streams never starts in this test, and the audit still
 * answers every message accepted in the range, with its partition and offset.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditIntegrationTests {

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final UserId alice = UserId.of("audit-alice-" + run);
    private final UserId bob = UserId.of("audit-bob-" + run);
    private final UserId carol = UserId.of("audit-carol-" + run);
    /**
     * The range's start, taken once history has started: the records are stamped when they are written, and the
     * audit reads them only up to its clock skew (a minute) past the range.
     */
    private Instant base;
    private final List<Sent> inRange = new ArrayList<>();
    private ChatTraffic traffic;
    private HistoryInstance history;

    @BeforeAll
    void start(@TempDir Path stateDir) {
        traffic = new ChatTraffic();
        history = HistoryInstance.start("history-audit-" + run, stateDir, "--spring.kafka.streams.auto-startup=false");
        base = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        traffic.send(accepted(alice, bob, "before the range", base.minusSeconds(20)));
        inRange.add(traffic.send(accepted(alice, bob, "first in range", base)));
        inRange.add(traffic.send(accepted(bob, alice, "second in range", base.plusSeconds(1))));
        Sent retried = traffic.send(accepted(carol, bob, "carol's, sent twice", base.plusSeconds(2)));
        traffic.send(retried.message());
        inRange.add(retried);
        inRange.add(traffic.send(MessageAccepted.captured(MessageId.forCapturedStanza(run + "-reply"), bob, alice,
                "bob's reply from his own XMPP client", base.plusSeconds(2), "bob@localhost/phone")));
        inRange.add(traffic.send(accepted(carol, alice, "just before the end", base.plusSeconds(3).minusMillis(1))));
        traffic.send(accepted(alice, carol, "at the end, so outside", base.plusSeconds(3)));
    }

    @AfterAll
    void stop() {
        history.close();
        traffic.close();
    }

    @Test
    void streamsEveryMessageAcceptedInTheRangeOnceWithItsPlaceInKafka() {
        Answer audit = audit("from=" + base + "&to=" + base.plusSeconds(3));

        assertThat(audit.status()).isEqualTo(200);
        assertThat(audit.contentType()).startsWith("application/x-ndjson");
        List<JsonNode> ours = lines(audit).stream()
                .filter(line -> line.get("conversationId").asString().contains(run))
                .toList();
        assertThat(ours).extracting(line -> line.get("messageId").asString())
                .containsExactlyInAnyOrderElementsOf(inRange.stream().map(Sent::id).toList());
        for (Sent sent : inRange) {
            JsonNode line = ours.stream().filter(l -> l.get("messageId").asString().equals(sent.id()))
                    .findFirst().orElseThrow();
            assertThat(line.get("partition").asInt()).isEqualTo(sent.partition());
            assertThat(line.get("offset").asLong()).isEqualTo(sent.offset());
            assertThat(line.get("message").asString()).isEqualTo(sent.message().message());
            assertThat(Instant.parse(line.get("acceptedAt").asString())).isEqualTo(sent.message().acceptedAt());
            assertThat(line.get("fromId").asString()).isEqualTo(sent.message().fromId().value());
            boolean captured = sent.message().source() == MessageAccepted.Source.XMPP;
            assertThat(line.get("source").asString()).isEqualTo(captured ? "xmpp" : "api");
            assertThat(line.path("senderJid").asString(null)).isEqualTo(captured ? "bob@localhost/phone" : null);
        }
        assertThat(lines(audit)).allSatisfy(line -> assertThat(Instant.parse(line.get("acceptedAt").asString()))
                .isBetween(base, base.plusSeconds(3).minusNanos(1)));
    }

    @Test
    void narrowsTheAuditToOneUsersMessages() {
        Answer audit = audit("from=" + base + "&to=" + base.plusSeconds(3) + "&user=" + carol.value().toUpperCase());

        assertThat(lines(audit)).extracting(line -> line.get("message").asString())
                .containsExactlyInAnyOrder("carol's, sent twice", "just before the end");
    }

    @Test
    void answersAnEmptyRangeWithNoLines() {
        Answer audit = audit("from=" + base.plusSeconds(3600) + "&to=" + base.plusSeconds(7200));

        assertThat(audit.status()).isEqualTo(200);
        assertThat(audit.body()).isEmpty();
    }

    @Test
    void refusesAMissingOrBackwardsRangeWithAProblem() {
        assertProblem(audit("to=" + base), "from");
        assertProblem(audit("from=yesterday&to=" + base), "from");
        assertProblem(audit("from=" + base + "&to=" + base.minusSeconds(1)), "to");
        assertProblem(audit("from=" + base + "&to=" + base.plusSeconds(1) + "&user=%20"), "user");
    }

    private Answer audit(String query) {
        return history.get("/api/v1/audit/messages?" + query);
    }

    private static List<JsonNode> lines(Answer audit) {
        return audit.body().lines().map(ChatJson.MAPPER::readTree).toList();
    }

    private static void assertProblem(Answer answer, String field) {
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.json().get("field").asString()).isEqualTo(field);
    }

    private static MessageAccepted accepted(UserId from, UserId to, String body, Instant at) {
        return MessageAccepted.of(MessageId.random(), from, to, body, at, null);
    }
}
