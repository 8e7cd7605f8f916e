package io.chatpipe.testsupport;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.freeze.FreezingArchRule;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The boundaries of one module of chatpipe, as ArchUnit rules over its main classes (tests excluded: a test may
 * run another service for real). Kafka is the only hand-off between the services, so no service's code uses
 * another's; and within a module no two packages use each other, however indirectly. A module holds them with
 * {@code class ModuleBoundariesTests extends ModuleBoundaries}, naming its root package.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ModuleBoundaries {

    /** The root package of each service: each may be used by its own module only. */
    public static final List<String> SERVICES = List.of(
            "io.chatpipe.api", "io.chatpipe.worker", "io.chatpipe.history", "io.chatpipe.capture", "io.chatpipe.webhooks");

    private final String root;
    private final String borrower;
    private final JavaClasses classes;

    /** The module whose classes live under {@code root} (e.g. {@code io.chatpipe.api}), as compiled: its jar. */
    protected ModuleBoundaries(String root) {
        this(root, root + ".none");
    }

    /**
     * The same, except that the one package {@code borrower} (and those under it) may use a service's code: a
     * tool's stand-in for a part of that service, such as the load generator's no-op baseline of the api-service.
     */
    protected ModuleBoundaries(String root, String borrower) {
        this.root = root;
        this.borrower = borrower;
        this.classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(root);
    }

    /**
     * Each package of the module, its root package included, is a slice; no slices may form a cycle. The cycles
     * there were when the rule came are frozen in the module's {@code src/test/resources/module-boundaries}
     * (see {@code archunit.properties}): those may shrink and go, a new one fails.
     */
    @Test
    protected void hasNoPackageCycles() {
        FreezingArchRule.freeze(slices().matching(parent(root) + ".(**)")
                        .as("the packages of " + root)
                        .should().beFreeOfCycles())
                .check(classes);
    }

    /**
     * The module uses no service's packages but its own: services hand over through Kafka, not each other's code,
     * and the tools (load generator, chaos run) drive the services from outside.
     */
    @Test
    protected void usesNoOtherServicesCode() {
        String[] others = SERVICES.stream()
                .filter(service -> !service.equals(root))
                .map(service -> service + "..")
                .toArray(String[]::new);
        ArchRule rule = noClasses().that().resideInAPackage(root + "..")
                .and().resideOutsideOfPackage(borrower + "..")
                .should().dependOnClassesThat().resideInAnyPackage(others)
                .because("Kafka is the only hand-off between the services");
        rule.check(classes);
    }

    private static String parent(String packageName) {
        return packageName.substring(0, packageName.lastIndexOf('.'));
    }
}
