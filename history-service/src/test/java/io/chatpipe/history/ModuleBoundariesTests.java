package io.chatpipe.history;

import com.tngtech.archunit.core.domain.JavaClasses;
import io.chatpipe.testsupport.ModuleBoundaries;
import org.junit.jupiter.api.Test;

/** The history-service's packages form no cycle, and it uses no other service's code: Kafka is the only hand-off. */
class ModuleBoundariesTests {

    private static final ModuleBoundaries MODULE = ModuleBoundaries.of("io.chatpipe.history");
    private static final JavaClasses CLASSES = MODULE.mainClasses();

    @Test
    void hasNoPackageCycles() {
        MODULE.packagesFreeOfCycles().check(CLASSES);
    }

    @Test
    void usesNoOtherService() {
        MODULE.usesNoOtherService().check(CLASSES);
    }
}
