package io.joblane.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The three certificate modes: hook Jobs (default), cert-manager, user-provided. */
class CertificatesChartTest {
    static final String SECRET = "rel-joblane-webhook-tls";
    static final String CONFIGURATION = "rel-joblane-webhook";

    static String webhookSecret(Chart.Rendered rendered) {
        return rendered
                .one(Deployment.class, "rel-joblane-webhook")
                .getSpec()
                .getTemplate()
                .getSpec()
                .getVolumes()
                .stream()
                .filter(v -> v.getSecret() != null)
                .findFirst()
                .orElseThrow()
                .getSecret()
                .getSecretName();
    }

    @Test
    void hookModeCreatesBeforeInstallAndPatchesAfter() {
        Chart.Rendered rendered = Chart.chart().render();

        Job create = rendered.one(Job.class, "rel-joblane-certs-create");
        assertThat(create.getMetadata().getAnnotations())
                .containsEntry("helm.sh/hook", "pre-install,pre-upgrade")
                .containsEntry("helm.sh/hook-delete-policy", "before-hook-creation,hook-succeeded");
        assertThat(create.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getArgs())
                .startsWith("create")
                .contains("--service=rel-joblane-webhook", "--namespace=" + Chart.NAMESPACE, "--secret-name=" + SECRET);

        Job patch = rendered.one(Job.class, "rel-joblane-certs-patch");
        assertThat(patch.getMetadata().getAnnotations())
                .containsEntry("helm.sh/hook", "post-install,post-upgrade")
                .containsEntry("helm.sh/hook-delete-policy", "before-hook-creation,hook-succeeded");
        assertThat(patch.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getArgs())
                .startsWith("patch")
                .contains("--webhook-configuration=" + CONFIGURATION, "--secret-name=" + SECRET);

        assertThat(webhookSecret(rendered)).isEqualTo(SECRET);
        assertThat(rendered.all(GenericKubernetesResource.class)).isEmpty();
    }

    @Test
    void hookRbacIsMinimalAndItselfAHook() {
        Chart.Rendered rendered = Chart.chart().render();
        String sa = "rel-joblane-certs-hook";
        for (HasMetadata object : rendered.objects()) {
            if (object.getMetadata().getName().equals(sa)) {
                assertThat(object.getMetadata().getAnnotations())
                        .as(object.getKind())
                        .containsEntry("helm.sh/hook", "pre-install,pre-upgrade,post-install,post-upgrade")
                        .containsEntry("helm.sh/hook-weight", "-10")
                        .containsEntry("helm.sh/hook-delete-policy", "before-hook-creation,hook-succeeded");
            }
        }
        List<PolicyRule> secretRules = rendered.one(Role.class, sa).getRules();
        assertThat(secretRules).allSatisfy(r -> assertThat(r.getResources()).containsExactly("secrets"));
        assertThat(secretRules)
                .flatExtracting(PolicyRule::getVerbs)
                .containsExactlyInAnyOrder("create", "get", "update");
        assertThat(secretRules)
                .filteredOn(r -> !r.getVerbs().contains("create"))
                .allSatisfy(r -> assertThat(r.getResourceNames()).containsExactly(SECRET));
        assertWebhookConfigurationRule(rendered.one(ClusterRole.class, sa));
        assertThat(rendered.one(Job.class, "rel-joblane-certs-create")
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getServiceAccountName())
                .isEqualTo(sa);
    }

    static void assertWebhookConfigurationRule(ClusterRole role) {
        assertThat(role.getRules()).singleElement().satisfies(rule -> {
            assertThat(rule.getApiGroups()).containsExactly("admissionregistration.k8s.io");
            assertThat(rule.getResources()).containsExactly("mutatingwebhookconfigurations");
            assertThat(rule.getResourceNames()).containsExactly(CONFIGURATION);
            assertThat(rule.getVerbs()).containsExactlyInAnyOrder("get", "update", "patch");
        });
    }

    @Test
    void hookModeRotatesOnASchedule() {
        Chart.Rendered rendered = Chart.chart().values("hook-certs").render();
        CronJob rotate = rendered.one(CronJob.class, "rel-joblane-certs-rotate");

        assertThat(rotate.getSpec().getSchedule()).isEqualTo("0 4 * * 1");
        assertThat(rotate.getSpec().getConcurrencyPolicy()).isEqualTo("Forbid");
        var pod = rotate.getSpec().getJobTemplate().getSpec().getTemplate().getSpec();
        assertThat(pod.getContainers().get(0).getArgs())
                .startsWith("rotate")
                .contains(
                        "--webhook-configuration=" + CONFIGURATION,
                        "--secret-name=" + SECRET,
                        "--service=rel-joblane-webhook",
                        "--renew-before=720h");
        assertThat(pod.getServiceAccountName()).isEqualTo("rel-joblane-certs");
        assertWebhookConfigurationRule(rendered.one(ClusterRole.class, "rel-joblane-certs"));
        assertThat(rotate.getMetadata().getAnnotations()).isNullOrEmpty();

        assertThat(Chart.chart()
                        .set("certificates.rotation.enabled", false)
                        .render()
                        .all(CronJob.class))
                .isEmpty();
    }

    @Test
    void certManagerModeUsesIssuerCertificateAndCaInjection() {
        Chart.Rendered rendered = Chart.chart().values("cert-manager").render();

        assertThat(rendered.all(Job.class))
                .extracting(j -> j.getMetadata().getName())
                .containsExactly("rel-joblane-cleanup");
        assertThat(rendered.all(CronJob.class)).isEmpty();
        GenericKubernetesResource certificate = (GenericKubernetesResource) rendered.ofKind("Certificate").stream()
                .filter(c -> c.getMetadata().getName().equals("rel-joblane-webhook"))
                .findFirst()
                .orElseThrow();
        assertThat((String) certificate.get("spec", "secretName")).isEqualTo(SECRET);
        assertThat((List<String>) certificate.get("spec", "dnsNames"))
                .containsExactly(
                        "rel-joblane-webhook",
                        "rel-joblane-webhook.joblane",
                        "rel-joblane-webhook.joblane.svc",
                        "rel-joblane-webhook.joblane.svc.cluster.local");
        assertThat((String) certificate.get("spec", "privateKey", "algorithm")).isEqualTo("RSA");
        assertThat((String) certificate.get("spec", "issuerRef", "name")).isEqualTo("rel-joblane-ca");
        assertThat(rendered.ofKind("Issuer"))
                .extracting(i -> i.getMetadata().getName())
                .containsExactlyInAnyOrder("rel-joblane-selfsigned", "rel-joblane-ca");
        GenericKubernetesResource ca = (GenericKubernetesResource) rendered.ofKind("Certificate").stream()
                .filter(c -> c.getMetadata().getName().equals("rel-joblane-ca"))
                .findFirst()
                .orElseThrow();
        assertThat((Boolean) ca.get("spec", "isCA")).isTrue();

        MutatingWebhookConfiguration configuration = rendered.only(MutatingWebhookConfiguration.class);
        assertThat(configuration.getMetadata().getAnnotations())
                .containsEntry("cert-manager.io/inject-ca-from", Chart.NAMESPACE + "/rel-joblane-webhook");
        assertThat(configuration.getWebhooks().get(0).getClientConfig().getCaBundle())
                .isNull();
        assertThat(webhookSecret(rendered)).isEqualTo(SECRET);
    }

    @Test
    void certManagerWithAnExistingIssuer() {
        Chart.Rendered rendered = Chart.chart()
                .values("cert-manager")
                .set("certificates.certManager.issuerRef.name", "corp-ca")
                .set("certificates.certManager.issuerRef.kind", "ClusterIssuer")
                .render();

        assertThat(rendered.ofKind("Issuer")).isEmpty();
        GenericKubernetesResource certificate =
                (GenericKubernetesResource) rendered.ofKind("Certificate").get(0);
        assertThat((Map<String, Object>) certificate.get("spec", "issuerRef"))
                .containsEntry("name", "corp-ca")
                .containsEntry("kind", "ClusterIssuer");
    }

    @Test
    void providedExistingSecretIsMountedAndItsCaPatchedIn() {
        Chart.Rendered rendered = Chart.chart().values("provided-certs").render();

        assertThat(webhookSecret(rendered)).isEqualTo("my-joblane-webhook-tls");
        assertThat(rendered.all(Secret.class)).isEmpty();
        assertThat(rendered.has("Job", "rel-joblane-certs-create")).isFalse();
        Job patch = rendered.one(Job.class, "rel-joblane-certs-patch");
        assertThat(patch.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getArgs())
                .contains("--secret-name=my-joblane-webhook-tls");
        assertThat(rendered.one(Role.class, "rel-joblane-certs-hook").getRules())
                .singleElement()
                .satisfies(r -> {
                    assertThat(r.getVerbs()).containsExactly("get");
                    assertThat(r.getResourceNames()).containsExactly("my-joblane-webhook-tls");
                });
        assertThat(rendered.only(MutatingWebhookConfiguration.class)
                        .getMetadata()
                        .getAnnotations())
                .isNullOrEmpty();
    }

    @Test
    void providedInlineCertificateBecomesATlsSecret() {
        Chart.Rendered rendered = Chart.chart()
                .set("certificates.mode", "provided")
                .set("certificates.provided.cert", "CERT")
                .set("certificates.provided.key", "KEY")
                .set("certificates.provided.ca", "CA")
                .render();

        Secret secret = rendered.one(Secret.class, SECRET);
        assertThat(secret.getType()).isEqualTo("kubernetes.io/tls");
        assertThat(secret.getData()).containsOnlyKeys("tls.crt", "tls.key", "ca.crt");
        assertThat(new String(Base64.getDecoder().decode(secret.getData().get("ca.crt"))))
                .isEqualTo("CA");
        assertThat(webhookSecret(rendered)).isEqualTo(SECRET);
    }

    @Test
    void providedWithoutAnyCertificateFailsWithAReason() {
        assertThatThrownBy(
                        () -> Chart.chart().set("certificates.mode", "provided").template())
                .hasMessageContaining("certificates.mode=provided needs certificates.provided.existingSecret");
    }
}
