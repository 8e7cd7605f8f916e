package io.chatpipe.worker.ejabberd;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.events.DeliveryAttempted;
import io.chatpipe.events.DeliveryAttempted.Outcome;
import io.chatpipe.events.MessageAccepted;
import io.chatpipe.events.MessageId;
import io.chatpipe.events.Topics;
import io.chatpipe.events.UserId;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ArchiveEvidenceTests {

    private static final MessageAccepted MESSAGE = MessageAccepted.of(MessageId.random(), UserId.of("alice"),
            UserId.of("bob"), "says xmpp-archive in its text", Instant.now(), null);

    @ParameterizedTest
    @EnumSource(value = Outcome.class, names = {"STORED", "RECEIVED", "READ"})
    void looksIntoEveryPieceOfEvidence(Outcome outcome) {
        var evidence = DeliveryAttempted.evidence(MESSAGE.messageId(), MESSAGE.conversationId(), outcome, Instant.now());

        assertThat(ArchiveEvidence.mayBeEvidence(json(evidence))).isTrue();
    }

    @ParameterizedTest
    @EnumSource(value = Outcome.class, names = {"ACCEPTED", "RETRYING", "FAILED"})
    void passesOverTheWorkersOwnOutcomesUnparsed(Outcome outcome) {
        var attempt = DeliveryAttempted.of(MESSAGE, 1, outcome, "ejabberd-api",
                outcome == Outcome.ACCEPTED ? null : "the error names xmpp-archive", Instant.now());

        assertThat(ArchiveEvidence.mayBeEvidence(json(attempt))).isFalse();
    }

    private static byte[] json(DeliveryAttempted attempted) {
        return Topics.DELIVERIES.values().serializer().serialize(Topics.DELIVERIES.name(), attempted);
    }
}
