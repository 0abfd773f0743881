package io.joblane.certs.kube;

import static io.joblane.certs.kube.Fixtures.NS;
import static io.joblane.certs.kube.Fixtures.SECRET;
import static io.joblane.certs.kube.Fixtures.SERVICE;
import static io.joblane.certs.kube.Fixtures.WEBHOOK_CONFIG;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.joblane.certs.CertsException;
import io.joblane.certs.Cli;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class PatchCrudTest {
    private static final Clock CLOCK = Clock.systemUTC();
    private static final String PATH =
            "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/" + WEBHOOK_CONFIG;

    KubernetesClient client;
    KubernetesMockServer server;

    @BeforeEach
    void cluster() {
        Fixtures.namespace(client);
        assertThat(Cli.run(client, CLOCK, "create", "--service", SERVICE, "--namespace", NS)
                        .code())
                .isZero();
    }

    private Cli.Run patch(String... extra) {
        String[] base = {"patch", "--webhook-configuration", WEBHOOK_CONFIG, "--secret-name", SECRET, "--namespace", NS
        };
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return Cli.run(client, CLOCK, args);
    }

    @Test
    void writesTheBundleIntoEveryWebhookEntryAndSetsTheFailurePolicy() {
        Fixtures.webhookConfiguration(client, 3);
        Cli.Run run = patch("--failure-policy", "Fail");

        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.out())
                .isEqualTo("MutatingWebhookConfiguration joblane: caBundle from Secret joblane/joblane-webhook-tls, "
                        + "failurePolicy Fail set on 3 of 3 webhooks\n");
        String ca = Fixtures.stored(client).caPem();
        assertThat(Fixtures.bundles(client)).containsExactly(ca, ca, ca);
        assertThat(client.admissionRegistration()
                        .v1()
                        .mutatingWebhookConfigurations()
                        .withName(WEBHOOK_CONFIG)
                        .get()
                        .getWebhooks())
                .extracting(MutatingWebhook::getFailurePolicy)
                .containsOnly("Fail");

        Cli.Run again = patch();
        assertThat(again.out()).contains("already up to date (3 webhooks)");
    }

    @Test
    void retriesOnConflict() {
        Fixtures.webhookConfiguration(client, 1);
        // The first PUT answers 409 as if Helm had just changed the object; the retry goes to the CRUD store.
        server.expect()
                .put()
                .withPath(PATH)
                .andReturn(
                        409,
                        new StatusBuilder()
                                .withCode(409)
                                .withReason("Conflict")
                                .withMessage("the object has been modified")
                                .build())
                .times(2);
        Cli.Run run = patch();
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(Fixtures.putsTo(server, PATH))
                .as("two conflicts, then the write")
                .isEqualTo(3);
        assertThat(Fixtures.bundles(client))
                .containsExactly(Fixtures.stored(client).caPem());
    }

    @Test
    void unknownWebhookConfigurationFailsNamingIt() {
        Cli.Run run = patch();
        assertThat(run.code()).isEqualTo(CertsException.NOT_FOUND);
        assertThat(run.err()).contains("MutatingWebhookConfiguration joblane not found");
    }

    @Test
    void missingSecretFailsNamingIt() {
        Fixtures.webhookConfiguration(client, 1);
        Cli.Run run = Cli.run(
                client,
                CLOCK,
                "patch",
                "--webhook-configuration",
                WEBHOOK_CONFIG,
                "--secret-name",
                "other",
                "--namespace",
                NS);
        assertThat(run.code()).isEqualTo(CertsException.NOT_FOUND);
        assertThat(run.err()).contains("Secret joblane/other not found: run `create` first");
    }

    @Test
    void secretWithGarbageCaIsRefusedAndTheConfigurationLeftAlone() {
        Fixtures.webhookConfiguration(client, 1);
        client.secrets().inNamespace(NS).withName(SECRET).delete();
        Fixtures.putSecret(client, "kubernetes.io/tls", Map.of("ca.crt", "garbage"));
        Cli.Run run = Cli.run(
                client,
                CLOCK,
                "patch",
                "--webhook-configuration",
                WEBHOOK_CONFIG,
                "--secret-name",
                SECRET,
                "--namespace",
                "joblane",
                "--log-level",
                "warn");
        assertThat(run.code()).as(run.toString()).isEqualTo(CertsException.FAILED);
        assertThat(run.err()).contains("ca.crt of Secret joblane/joblane-webhook-tls holds no PEM block");
        assertThat(Fixtures.bundles(client)).containsExactly("");
    }

    @Test
    void badFailurePolicyIsAUsageError() {
        Fixtures.webhookConfiguration(client, 1);
        Cli.Run run = patch("--failure-policy", "Sometimes");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("--failure-policy must be Fail or Ignore");
    }

    @Test
    void noPermissionToUpdateTheConfigurationFailsWithForbidden() {
        Fixtures.webhookConfiguration(client, 1);
        server.expect()
                .put()
                .withPath(PATH)
                .andReturn(
                        403,
                        new StatusBuilder()
                                .withCode(403)
                                .withReason("Forbidden")
                                .withMessage("cannot update")
                                .build())
                .always();
        Cli.Run run = patch();
        assertThat(run.code()).isEqualTo(CertsException.FORBIDDEN);
        assertThat(run.err()).contains("forbidden: not allowed to update MutatingWebhookConfiguration joblane");
    }
}
