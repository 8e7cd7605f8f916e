package io.chatpipe.worker;

import io.chatpipe.testsupport.Prosody;
import org.junit.jupiter.api.BeforeAll;

/** The smack path against the real Prosody. */
class SmackOnProsodyTests extends SmackDeliveryContract {

    @BeforeAll
    static void start() {
        startWorker(Prosody.shared());
    }
}
