package io.chatpipe.capture;

import io.chatpipe.testsupport.ModuleBoundaries;

/** xmpp-capture: no package cycles, and no other service's code. */
class ModuleBoundariesTests extends ModuleBoundaries {

    ModuleBoundariesTests() {
        super("io.chatpipe.capture");
    }
}
