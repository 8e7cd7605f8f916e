package io.chatpipe.reliability;

import com.tngtech.archunit.core.domain.JavaClasses;
import io.chatpipe.testsupport.ModuleBoundaries;
import org.junit.jupiter.api.Test;

/** The chaos run and its checker drive the services from outside, as clients and operators do: no service's code in theirs, and their packages form no cycle. */
class ModuleBoundariesTests {

    private static final ModuleBoundaries MODULE = ModuleBoundaries.of("io.chatpipe.reliability");
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
