package io.chatpipe.webhooks;

import io.chatpipe.testsupport.ModuleBoundaries;

/** The webhook-dispatcher: no package cycles, and no other service's code. */
class ModuleBoundariesTests extends ModuleBoundaries {

    ModuleBoundariesTests() {
        super("io.chatpipe.webhooks");
    }
}
