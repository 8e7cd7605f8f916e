package io.chatpipe.kafka;

import io.chatpipe.testsupport.ModuleBoundaries;

/** chat-kafka, which every service uses: no package cycles, and no service's code. */
class ModuleBoundariesTests extends ModuleBoundaries {

    ModuleBoundariesTests() {
        super("io.chatpipe.kafka");
    }
}
