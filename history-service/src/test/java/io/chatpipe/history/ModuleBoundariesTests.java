package io.chatpipe.history;

import io.chatpipe.testsupport.ModuleBoundaries;

/** The history-service: no package cycles, and no other service's code. */
class ModuleBoundariesTests extends ModuleBoundaries {

    ModuleBoundariesTests() {
        super("io.chatpipe.history");
    }
}
