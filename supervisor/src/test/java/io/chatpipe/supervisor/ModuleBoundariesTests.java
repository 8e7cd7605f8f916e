package io.chatpipe.supervisor;

import io.chatpipe.testsupport.ModuleBoundaries;

/** The supervisor runs the services from their jars: no package cycles, and no service's code. */
class ModuleBoundariesTests extends ModuleBoundaries {

    ModuleBoundariesTests() {
        super("io.chatpipe.supervisor");
    }
}
