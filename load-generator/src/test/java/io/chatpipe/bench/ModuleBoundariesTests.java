package io.chatpipe.bench;

import com.tngtech.archunit.core.domain.JavaClasses;
import io.chatpipe.testsupport.ModuleBoundaries;
import org.junit.jupiter.api.Test;

/** The load generator drives the services from outside, through their APIs and Kafka, as clients do: no service's code in theirs, and their packages form no cycle. */
class ModuleBoundariesTests {

    private static final ModuleBoundaries MODULE = ModuleBoundaries.of("io.chatpipe.bench");
    private static final JavaClasses CLASSES = MODULE.mainClasses();

    @Test
    void hasNoPackageCycles() {
        MODULE.packagesFreeOfCycles().check(CLASSES);
    }

    @Test
    void usesNoServicesCode() {
        MODULE.usesNoOtherService().check(CLASSES);
    }
}
