package io.chatpipe.worker.ejabberd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatpipe.worker.dispatch.DeliveryException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** How callers waiting on the same recipient share ejabberd calls. */
class SessionBarrierTests {

    private final SessionBarrier.Recipient recipient = new SessionBarrier.Recipient();

    private final AtomicInteger calls = new AtomicInteger();

    @Test
    void oneCallConfirmsEveryCallerThatArrivedBeforeItBegan() throws DeliveryException {
        long first = recipient.ticket();
        long second = recipient.ticket();

        recipient.await(first, calls::incrementAndGet);
        recipient.await(second, calls::incrementAndGet);

        assertThat(calls).hasValue(1);
    }

    @Test
    void aCallerArrivingAfterACallBeganNeedsACallOfItsOwn() throws DeliveryException {
        long first = recipient.ticket();
        long[] late = new long[1];
        recipient.await(first, () -> {
            calls.incrementAndGet();
            late[0] = recipient.ticket();   // its message may have been routed after the call went out
        });

        recipient.await(late[0], calls::incrementAndGet);

        assertThat(calls).hasValue(2);
    }

    @Test
    void aFailedCallFailsEveryCallerItCoveredAndTheNextCallerTriesAgain() throws DeliveryException {
        long first = recipient.ticket();
        long second = recipient.ticket();
        var silent = new DeliveryException.Transient("did not answer in time");

        assertThatThrownBy(() -> recipient.await(first, () -> {
            calls.incrementAndGet();
            throw silent;
        })).isSameAs(silent);
        assertThatThrownBy(() -> recipient.await(second, calls::incrementAndGet)).isSameAs(silent);
        assertThat(calls).hasValue(1);

        recipient.await(recipient.ticket(), calls::incrementAndGet);
        assertThat(calls).hasValue(2);
    }
}
