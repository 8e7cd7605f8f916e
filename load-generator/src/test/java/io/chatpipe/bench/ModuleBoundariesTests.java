package io.chatpipe.bench;

import io.chatpipe.testsupport.ModuleBoundaries;

/** The load generator (it drives the services from outside, through their APIs and Kafka): no package cycles, and no other service's code. */
class ModuleBoundariesTests extends ModuleBoundaries {

    ModuleBoundariesTests() {
        super("io.chatpipe.bench");
    }
}
