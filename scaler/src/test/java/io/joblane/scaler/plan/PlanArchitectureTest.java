package io.joblane.scaler.plan;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The decision code stays pure: the planner, lanes and the loop see the cluster and the cloud only through interfaces.
 */
@AnalyzeClasses(packages = "io.joblane.scaler", importOptions = ImportOption.DoNotIncludeTests.class)
class PlanArchitectureTest {

    @ArchTest
    static final ArchRule planIsPure = noClasses()
            .that()
            .resideInAPackage("io.joblane.scaler.plan..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "io.fabric8..",
                    "software.amazon..",
                    "io.vertx..",
                    "java.net..",
                    "io.micrometer..",
                    "io.joblane.scaler.loop..",
                    "io.joblane.scaler.kube..",
                    "io.joblane.scaler.cloud.fake..",
                    "io.joblane.scaler.cloud.aws..");

    @ArchTest
    static final ArchRule lanesArePure = noClasses()
            .that()
            .resideInAPackage("io.joblane.scaler.lanes..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "io.fabric8..",
                    "software.amazon..",
                    "io.vertx..",
                    "java.net..",
                    "io.micrometer..",
                    "io.joblane.scaler.kube..",
                    "io.joblane.scaler.cloud..");

    @ArchTest
    static final ArchRule loopUsesOnlyInterfaces = noClasses()
            .that()
            .resideInAPackage("io.joblane.scaler.loop..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "io.fabric8..",
                    "software.amazon..",
                    "io.vertx..",
                    "java.net..",
                    "io.micrometer..",
                    "io.joblane.scaler.kube..",
                    "io.joblane.scaler.cloud.fake..",
                    "io.joblane.scaler.cloud.aws..");
}
