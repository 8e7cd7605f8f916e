package io.chatpipe.worker.ejabberd;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatpipe.events.UserId;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Which confirmed messages are sent again after ejabberd went away. */
class RecentDeliveriesTests {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final RecentDeliveries recent = new RecentDeliveries(10 * SECOND, 1000);

    private static RecentDeliveries.Delivered at(long seconds, String stanza) {
        return new RecentDeliveries.Delivered(UserId.of("alice"), UserId.of("bob"), stanza, seconds * SECOND);
    }

    @Test
    void sendsAgainWhatWasConfirmedShortlyBeforeEjabberdWentAwayInTheOrderFirstSent() {
        recent.confirmed(at(100, "old"));
        recent.confirmed(at(115, "first"));
        recent.confirmed(at(118, "second"));
        assertThat(recent.anyToSendAgain()).isFalse();

        recent.unreachable(120 * SECOND);

        assertThat(recent.toSendAgain()).extracting(RecentDeliveries.Delivered::stanza)
                .containsExactly("first", "second");
    }

    @Test
    void aMessageSentAgainIsNotSentAThirdTimeUnlessEjabberdGoesAwayAgain() {
        recent.confirmed(at(115, "first"));
        recent.unreachable(120 * SECOND);
        recent.unreachable(121 * SECOND);
        RecentDeliveries.Delivered first = recent.toSendAgain().getFirst();

        recent.sentAgain(first, 150 * SECOND);
        assertThat(recent.anyToSendAgain()).isFalse();

        recent.unreachable(155 * SECOND);
        assertThat(recent.toSendAgain()).extracting(RecentDeliveries.Delivered::stanza).containsExactly("first");
    }

    @Test
    void keepsNoMoreTextThanItMayHold() {
        recent.confirmed(at(115, "a".repeat(600)));
        recent.confirmed(at(116, "b".repeat(600)));

        recent.unreachable(117 * SECOND);

        assertThat(recent.toSendAgain()).extracting(d -> d.stanza().charAt(0)).containsExactly('b');
    }
}
