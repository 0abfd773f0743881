package io.joblane.scaler.kube;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The fabric8 client stays at the edge: only the kube and ops adapters, the AWS adapter and the process wiring. */
class FabricClientFenceTest {
    static final JavaClasses SCALER = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.joblane.scaler");

    @Test
    void onlyTheAdaptersAndTheWiringUseTheFabric8Client() {
        noClasses()
                .that()
                .resideOutsideOfPackages(
                        "io.joblane.scaler.kube..",
                        "io.joblane.scaler.ops..",
                        "io.joblane.scaler.cloud.aws..",
                        "io.joblane.scaler")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.fabric8.kubernetes.client..")
                .because("decisions are tested without a cluster; the client is an I/O adapter")
                .check(SCALER);
    }

    @Test
    void theKubernetesModelStaysOutOfTheDecisionPackages() {
        noClasses()
                .that()
                .resideInAnyPackage("io.joblane.scaler.plan..", "io.joblane.scaler.loop..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.fabric8..")
                .because("the planner sees its own snapshot model, built by the kube package")
                .check(SCALER);
    }
}
