package io.joblane.webhook;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Guards the fence: the decision packages stay pure, so they can be tested without a server or a cluster. */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.joblane.webhook");

    @Test
    void admissionAndMutationImportNoIo() {
        noClasses()
                .that()
                .resideInAnyPackage("io.joblane.webhook.admission..", "io.joblane.webhook.mutation..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.vertx..",
                        "io.fabric8.kubernetes.client..",
                        "java.net..",
                        "io.netty..",
                        "software.amazon..",
                        "java.nio.file..",
                        "io.micrometer..",
                        "io.joblane.webhook.http..",
                        "io.joblane.webhook.kube..")
                .check(CLASSES);
    }

    @Test
    void mutationDoesNotKnowAboutAdmissionReviews() {
        noClasses()
                .that()
                .resideInAPackage("io.joblane.webhook.mutation..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.joblane.webhook.admission..")
                .check(CLASSES);
    }
}
