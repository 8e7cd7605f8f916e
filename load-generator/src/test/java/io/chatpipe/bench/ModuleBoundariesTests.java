package io.chatpipe.bench;

import io.chatpipe.testsupport.ModuleBoundaries;

/**
 * The load generator (it drives the services from outside, through their APIs and Kafka): no package cycles, and no
 * service's code, but in its no-op baseline, which is the api-service's own web layer without the Kafka write so that
 * the baseline does everything the real endpoint does but that write.
 */
class ModuleBoundariesTests extends ModuleBoundaries {

    ModuleBoundariesTests() {
        super("io.chatpipe.bench", "io.chatpipe.bench.baseline");
    }
}
