package io.joblane.scaler.cloud.aws;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.ArchConfiguration;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Keeps the AWS SDK behind the provider: no other scaler package may depend on it. */
class AwsArchitectureTest {

    @Test
    void onlyTheAwsProviderUsesTheAwsSdk() {
        JavaClasses classes = scalerClasses();
        // The rule can see SDK dependencies at all: the provider itself has them.
        assertThat(classes.get(AwsNodeGroupProvider.class).getDirectDependenciesFromSelf())
                .anyMatch(d -> d.getTargetClass().getPackageName().startsWith("software.amazon.awssdk"));

        noClasses()
                .that()
                .resideOutsideOfPackage("io.joblane.scaler.cloud.aws..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("software.amazon.awssdk..", "org.apache.hc..")
                .because("the AWS SDK is an I/O detail of io.joblane.scaler.cloud.aws")
                .check(classes);
    }

    /** The module's main classes; dependency targets are only named, not imported (the rule needs only names). */
    private static JavaClasses scalerClasses() {
        ArchConfiguration config = ArchConfiguration.get();
        boolean resolve = config.resolveMissingDependenciesFromClassPath();
        config.setResolveMissingDependenciesFromClassPath(false);
        try {
            return new ClassFileImporter().importPath(Path.of("target/classes"));
        } finally {
            config.setResolveMissingDependenciesFromClassPath(resolve);
        }
    }
}
