package io.joblane.simulator;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The simulator runs the real loop against nothing real: no Kubernetes client, no AWS SDK, no network. */
@AnalyzeClasses(packages = "io.joblane.simulator", importOptions = ImportOption.DoNotIncludeTests.class)
class SimArchitectureTest {

    @ArchTest
    static final ArchRule simTouchesNoRealCluster = noClasses()
            .that()
            .resideInAPackage("io.joblane.simulator..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "io.fabric8..",
                    "software.amazon..",
                    "io.vertx..",
                    "java.net..",
                    "io.joblane.scaler.kube..",
                    "io.joblane.scaler.cloud.aws..");
}
