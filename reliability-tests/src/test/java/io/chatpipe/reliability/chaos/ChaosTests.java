package io.chatpipe.reliability.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.reliability.TestStack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The short version of {@code ./chatpipe chaos}, with the same driver and checker: 2,000 messages over 50
 * conversations while the api-service, the worker, the history-service and xmpp-capture are each killed -9
 * (real child JVMs) and started again, the Kafka broker restarts and ejabberd stops for 30 s. The worker
 * confirms deliveries by the recipients' archive rows that capture sees; the recipients' clients answer every
 * 10th message with a receipt, a displayed marker and a reply. Nothing accepted may be lost, duplicated after
 * de-duplication by message id, or reordered within its conversation, and every reply is in history once, in
 * order.
 */
@Order(3)
class ChaosTests {

    private static final Logger log = LoggerFactory.getLogger(ChaosTests.class);
    /** The one-broker stack's faults; the cluster's own (the leading broker, one of each) are ClusterChaosTests'. */
    private static final List<Fault> FAULTS = List.of(Fault.KILL_API, Fault.KILL_WORKER, Fault.KILL_HISTORY,
            Fault.KILL_CAPTURE, Fault.RESTART_KAFKA, Fault.STOP_XMPP);

    @Test
    void nothingAcceptedIsLostDuplicatedOrReorderedWhileEachPartFailsInTurn() throws Exception {
        TestStack stack = TestStack.shared();
        var settings = new ChaosSettings(2000, 50, 10, 25, Duration.ofSeconds(120), Duration.ofSeconds(120),
                FAULTS, Duration.ofSeconds(30), 10, ChaosRun.randomRunId());

        ChaosReport report = ChaosRun.execute(stack.stack, settings, stack.corpusKey,
                Path.of("target", "chaos-" + settings.runId()));
        log.info("\n{}", report.toText());

        assertThat(report.faults()).extracting(InjectedFault::fault).containsExactlyElementsOf(FAULTS);
        assertThat(report.faults()).allSatisfy(f -> assertThat(f.error()).as("%s", f.fault()).isNull());
        assertThat(report.accepted()).as("messages accepted").isPositive();
        assertNothingLostDuplicatedOrReordered(report);
    }

    /** The verdict of a chaos run, both ways: messages at history and the clients, replies in history. */
    static void assertNothingLostDuplicatedOrReordered(ChaosReport report) {
        assertThat(report.topic().unreadable()).as("unreadable records in chat.messages").isZero();
        assertThat(report.lost()).as("lost\n%s", report.toText()).isZero();
        assertThat(report.history().duplicatesBeforeDedup()).as("second copies in history\n%s", report.toText()).isZero();
        assertThat(report.duplicatesAfterDedup()).as("duplicates after de-duplication\n%s", report.toText()).isZero();
        assertThat(report.reordered()).as("reordered\n%s", report.toText()).isZero();
        assertThat(report.replies().sent()).as("replies sent").isPositive();
        assertThat(report.replies().lost()).as("replies lost\n%s", report.toText()).isZero();
        assertThat(report.replies().duplicated()).as("replies duplicated\n%s", report.toText()).isZero();
        assertThat(report.replies().reordered()).as("replies reordered\n%s", report.toText()).isZero();
        assertThat(report.passed()).as(report.toText()).isTrue();
    }
}
