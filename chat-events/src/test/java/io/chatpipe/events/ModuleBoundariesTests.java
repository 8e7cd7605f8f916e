package io.chatpipe.events;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * chat-events is the vocabulary every service and tool shares, so it depends on none of them and on no Spring:
 * a plain Kafka client can read and write chatpipe's topics with it alone. (test-support's ModuleBoundaries
 * states the same for the other modules; chat-events cannot use test-support, which is built on it.)
 */
class ModuleBoundariesTests {

    private static final JavaClasses EVENTS = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.chatpipe.events");

    @Test
    void importsNothingOfSpring() {
        noClasses().should().dependOnClassesThat().resideInAPackage("org.springframework..")
                .check(EVENTS);
    }

    @Test
    void importsNoOtherModuleOfChatpipe() {
        noClasses().should().dependOnClassesThat(
                        resideInAPackage("io.chatpipe..").and(resideOutsideOfPackage("io.chatpipe.events..")))
                .check(EVENTS);
    }

    @Test
    void hasNoPackageCycles() {
        slices().matching("io.chatpipe.(**)").should().beFreeOfCycles().check(EVENTS);
    }
}
