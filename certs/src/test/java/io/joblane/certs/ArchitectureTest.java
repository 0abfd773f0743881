package io.joblane.certs;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Keeps the certificate maths free of I/O so it stays testable without a cluster or a network. */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.joblane.certs");

    @Test
    void x509ImportsNoKubernetesClientNoVertxNoNetworkNoFiles() {
        noClasses()
                .that()
                .resideInAPackage("io.joblane.certs.x509..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.fabric8..", "io.vertx..", "java.net..", "io.netty..", "software.amazon..", "picocli..")
                .check(CLASSES);
    }
}
