package io.chatpipe.api;

import io.chatpipe.testsupport.ModuleBoundaries;

/** The api-service: no package cycles, and no other service's code. */
class ModuleBoundariesTests extends ModuleBoundaries {

    ModuleBoundariesTests() {
        super("io.chatpipe.api");
    }
}
