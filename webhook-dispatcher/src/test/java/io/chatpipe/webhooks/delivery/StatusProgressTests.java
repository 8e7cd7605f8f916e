package io.chatpipe.webhooks.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.events.DeliveryAttempted;
import io.chatpipe.events.DeliveryAttempted.Outcome;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.UserId;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StatusProgressTests {

    private final StatusProgress progress = new StatusProgress();
    private final MessageAccepted message = MessageAccepted.of(MessageId.random(), UserId.of("ann"), UserId.of("bo"),
            "hello", Instant.now(), null);

    @Test
    void aFailureCountsOnlyBeforeTheMessageIsDeliveredAndOnlyOnce() {
        StatusProgress.Batch batch = progress.batch();
        assertThat(batch.movesOn("ep", report(Outcome.FAILED))).isTrue();
        assertThat(batch.movesOn("ep", report(Outcome.FAILED))).isFalse();
        assertThat(batch.movesOn("ep", report(Outcome.STORED))).isTrue();
        assertThat(batch.movesOn("ep", report(Outcome.FAILED))).isFalse();
    }

    @Test
    void eachEndpointHasItsOwnProgressAndAnotherBatchSeesACommittedOne() {
        StatusProgress.Batch batch = progress.batch();
        assertThat(batch.movesOn("ep", report(Outcome.RECEIVED))).isTrue();
        assertThat(batch.movesOn("other", report(Outcome.ACCEPTED))).isTrue();
        batch.commit();

        StatusProgress.Batch next = progress.batch();
        assertThat(next.movesOn("ep", report(Outcome.STORED))).isFalse();
        assertThat(next.movesOn("other", report(Outcome.STORED))).isFalse();
        assertThat(next.movesOn("other", report(Outcome.RECEIVED))).isTrue();
        assertThat(next.movesOn("ep", report(Outcome.READ))).isTrue();
    }

    @Test
    void aBatchWhoseWritesWereNotAcknowledgedIsDecidedAgainWhenReadAgain() {
        StatusProgress.Batch failed = progress.batch();
        assertThat(failed.movesOn("ep", report(Outcome.ACCEPTED))).isTrue();
        // no commit: the fan-out's writes failed, and the batch is read again

        assertThat(progress.batch().movesOn("ep", report(Outcome.ACCEPTED))).isTrue();
    }

    /** The worker's outcome of an attempt, or capture's evidence, as the outcome is. */
    private DeliveryAttempted report(Outcome outcome) {
        return outcome.evidence()
                ? DeliveryAttempted.evidence(message.messageId(), message.conversationId(), outcome, Instant.now())
                : DeliveryAttempted.of(message, 1, outcome, "ejabberd", null, Instant.now());
    }
}
