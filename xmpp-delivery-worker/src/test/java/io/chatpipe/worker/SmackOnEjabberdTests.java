package io.chatpipe.worker;

import io.chatpipe.testsupport.Ejabberd;
import org.junit.jupiter.api.BeforeAll;

/** The smack path against the real ejabberd, as a client: no admin API involved. */
class SmackOnEjabberdTests extends SmackDeliveryContract {

    @BeforeAll
    static void start() {
        startWorker(Ejabberd.shared());
    }
}
