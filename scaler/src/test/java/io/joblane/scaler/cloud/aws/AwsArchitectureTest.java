package io.joblane.scaler.cloud.aws;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Keeps the AWS SDK behind the provider: no other scaler package may depend on it. */
class AwsArchitectureTest {

    private static final JavaClasses SCALER = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.joblane.scaler");

    @Test
    void onlyTheAwsProviderUsesTheAwsSdk() {
        noClasses().that().resideOutsideOfPackage("io.joblane.scaler.cloud.aws..")
                .should().dependOnClassesThat().resideInAnyPackage("software.amazon.awssdk..", "org.apache.hc..")
                .because("the AWS SDK is an I/O detail of io.joblane.scaler.cloud.aws")
                .check(SCALER);
    }
}
