package io.chatpipe.worker;

import io.chatpipe.testsupport.ModuleBoundaries;

/** The xmpp-delivery-worker: no package cycles, and no other service's code. */
class ModuleBoundariesTests extends ModuleBoundaries {

    ModuleBoundariesTests() {
        super("io.chatpipe.worker");
    }
}
