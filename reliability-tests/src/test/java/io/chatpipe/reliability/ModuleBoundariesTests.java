package io.chatpipe.reliability;

import io.chatpipe.testsupport.ModuleBoundaries;

/** The chaos run and its checker (they drive the services from outside): no package cycles, and no other service's code. */
class ModuleBoundariesTests extends ModuleBoundaries {

    ModuleBoundariesTests() {
        super("io.chatpipe.reliability");
    }
}
