package io.joblane.certs.kube;

import static io.joblane.certs.kube.Fixtures.NS;
import static io.joblane.certs.kube.Fixtures.SECRET;
import static io.joblane.certs.kube.Fixtures.SERVICE;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.joblane.certs.CertsException;
import io.joblane.certs.Cli;
import io.joblane.certs.x509.CertificateEnsurer;
import io.joblane.certs.x509.CertificateSpec;
import io.joblane.certs.x509.Inspection;
import io.joblane.certs.x509.Inspections;
import io.joblane.certs.x509.StoredMaterial;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class CreateCrudTest {
    private static final Instant T0 = Instant.parse("2030-01-15T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(T0, ZoneOffset.UTC);

    KubernetesClient client;
    KubernetesMockServer server;

    @BeforeEach
    void cluster() {
        Fixtures.namespace(client);
    }

    private Cli.Run create(Clock clock, String... extra) {
        String[] base = {"create", "--service", SERVICE, "--namespace", NS};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return Cli.run(client, clock, args);
    }

    @Test
    void createMakesATlsSecretAndASecondRunKeepsIt() {
        Cli.Run first = create(CLOCK);
        assertThat(first.code()).as(first.toString()).isZero();
        assertThat(first.out())
                .startsWith(
                        "Secret joblane/joblane-webhook-tls: replaced CA and serving certificate: no certificate stored yet");

        Secret secret = Fixtures.secret(client);
        assertThat(secret.getType()).isEqualTo("kubernetes.io/tls");
        assertThat(secret.getData()).containsOnlyKeys("tls.crt", "tls.key", "ca.crt", "ca.key");
        Inspection i = Inspections.of(TlsSecrets.material(secret));
        assertThat(i.keyMatches()).isTrue();
        assertThat(i.signedByBundle()).isTrue();
        assertThat(i.names()).contains("joblane-webhook.joblane.svc");

        Cli.Run second = create(Clock.offset(CLOCK, Duration.ofDays(30)));
        assertThat(second.code()).isZero();
        assertThat(second.out())
                .startsWith(
                        "Secret joblane/joblane-webhook-tls: kept: valid until 2031-01-15T10:00:00Z (335 days left)");
        assertThat(Fixtures.secret(client).getMetadata().getResourceVersion())
                .isEqualTo(secret.getMetadata().getResourceVersion());
    }

    @Test
    void garbageSecretIsReplacedSayingWhy() {
        Fixtures.putSecret(
                client, "kubernetes.io/tls", Map.of("tls.crt", "garbage", "tls.key", "garbage", "ca.crt", "garbage"));
        Cli.Run run = create(CLOCK);
        assertThat(run.code()).isZero();
        assertThat(run.out()).contains("replaced CA and serving certificate: malformed: ca.crt holds no PEM block");
        assertThat(Inspections.of(Fixtures.stored(client)).keyMatches()).isTrue();
    }

    @Test
    void expiredLeafIsRenewedFromTheSameCa() {
        create(CLOCK);
        String ca = Fixtures.stored(client).caPem();
        Cli.Run run = create(Clock.offset(CLOCK, Duration.ofDays(400)));
        assertThat(run.out())
                .contains("renewed the serving certificate with the existing CA: expired at 2031-01-15T10:00:00Z");
        assertThat(Fixtures.stored(client).caPem()).isEqualTo(ca);
    }

    @Test
    void expiredLeafWithoutCaKeyIsReplaced() {
        StoredMaterial old = CertificateEnsurer.mintAll(
                CertificateSpec.of(SERVICE, NS, List.of()), Clock.offset(CLOCK, Duration.ofDays(-400)));
        Fixtures.putSecret(
                client,
                "kubernetes.io/tls",
                Map.of("tls.crt", old.certPem(), "tls.key", old.keyPem(), "ca.crt", old.caPem()));
        Cli.Run run = create(CLOCK);
        assertThat(run.out())
                .contains("replaced CA and serving certificate: expired at 2029-12-11T10:00:00Z")
                .contains("run `patch`");
    }

    // Regression: a pre-upgrade `create` that replaced the CA wrote a leaf of a CA the caBundle did not hold yet;
    // webhook pods served it before the post-upgrade patch, and the API server refused every call (Fail: every Job
    // pod).
    @Test
    void replacedCaIsPublishedNextToTheTrustedOneAndTheSecretKeepsBoth() {
        StoredMaterial old = CertificateEnsurer.mintAll(CertificateSpec.of(SERVICE, NS, List.of()), CLOCK);
        Fixtures.putSecret(
                client,
                "kubernetes.io/tls",
                Map.of("tls.crt", old.certPem(), "tls.key", old.keyPem(), "ca.crt", old.caPem()));
        Fixtures.webhookConfiguration(client, 2);
        new WebhookConfigurations(client, Fixtures.WEBHOOK_CONFIG).patch(old.caPem(), null);

        Cli.Run run = create(
                CLOCK, "--extra-name", "joblane.example.com", "--webhook-configuration", Fixtures.WEBHOOK_CONFIG);

        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.out()).contains("replaced CA and serving certificate");
        StoredMaterial stored = Fixtures.stored(client);
        List<java.security.cert.X509Certificate> bundle =
                io.joblane.certs.x509.Pem.parseCertificates(stored.caPem(), "ca.crt");
        assertThat(bundle).hasSize(2);
        assertThat(bundle.get(0)).isEqualTo(io.joblane.certs.x509.Pem.parseCertificate(old.caPem(), "old"));
        assertThat(Inspections.of(stored).signedByBundle()).isTrue();
        for (String published : Fixtures.bundles(client)) {
            assertThat(published)
                    .as("the API server trusts the old and the new serving certificate")
                    .isEqualTo(stored.caPem());
        }
    }

    @Test
    void withoutTheWebhookConfigurationYetCreateWritesTheNewCaAlone() {
        Cli.Run run = create(CLOCK, "--webhook-configuration", Fixtures.WEBHOOK_CONFIG);

        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(io.joblane.certs.x509.Pem.parseCertificates(
                        Fixtures.stored(client).caPem(), "ca.crt"))
                .hasSize(1);
    }

    @Test
    void wrongSansAreReplacedNamingTheMissingNames() {
        create(CLOCK);
        Cli.Run run = create(CLOCK, "--extra-name", "joblane.example.com");
        assertThat(run.out()).contains("names missing from the certificate: joblane.example.com");
        assertThat(Inspections.of(Fixtures.stored(client)).names()).contains("joblane.example.com");
    }

    @Test
    void otherDataKeysLabelsAndAnnotationsSurviveAnUpdate() {
        Fixtures.putSecret(
                client, "kubernetes.io/tls", Map.of("tls.crt", "x", "tls.key", "y", "ca.crt", "z", "extra", "keep me"));
        client.secrets().inNamespace(NS).withName(SECRET).edit(s -> {
            s.getMetadata().setLabels(Map.of("app", "joblane"));
            return s;
        });
        create(CLOCK);
        Secret s = Fixtures.secret(client);
        assertThat(s.getData()).containsEntry("extra", Fixtures.b64("keep me"));
        assertThat(s.getMetadata().getLabels()).containsEntry("app", "joblane");
    }

    @Test
    void aSecretOfAnotherTypeIsRefusedAndLeftAlone() {
        Fixtures.putSecret(client, "Opaque", Map.of("tls.crt", "x"));
        Cli.Run run = create(CLOCK);
        assertThat(run.code()).isEqualTo(CertsException.FAILED);
        assertThat(run.err()).contains("Secret joblane/joblane-webhook-tls exists with type Opaque");
        assertThat(Fixtures.secret(client).getData()).containsOnlyKeys("tls.crt");
    }

    @Test
    void aConcurrentChangeToTheSecretIsReadAgainAndDecidedAfresh() {
        create(CLOCK);
        // The first PUT answers 409 as if another hook Job had just written the Secret; the second round re-reads it.
        server.expect()
                .put()
                .withPath("/api/v1/namespaces/joblane/secrets/" + SECRET)
                .andReturn(
                        409,
                        new StatusBuilder()
                                .withCode(409)
                                .withReason("Conflict")
                                .withMessage("the object has been modified")
                                .build())
                .once();
        Cli.Run run = create(Clock.offset(CLOCK, Duration.ofDays(400)));
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.out()).contains("renewed the serving certificate with the existing CA");
        assertThat(Inspections.of(Fixtures.stored(client)).notAfter()).isAfter(T0.plus(Duration.ofDays(400)));
        assertThat(Fixtures.putsTo(server, "/api/v1/namespaces/joblane/secrets/" + SECRET))
                .as("the conflicting PUT and the retry")
                .isEqualTo(2);
    }

    @Test
    void unknownNamespaceFailsNamingIt() {
        Cli.Run run = Cli.run(client, CLOCK, "create", "--service", SERVICE, "--namespace", "nope");
        assertThat(run.code()).isEqualTo(CertsException.NOT_FOUND);
        assertThat(run.err()).contains("namespace \"nope\" not found");
        assertThat(client.secrets().inNamespace("nope").list().getItems()).isEmpty();
    }

    @Test
    void missingNamespaceFlagIsAUsageErrorNamingTheFlag() {
        Assumptions.assumeTrue(
                System.getenv("JOBLANE_NAMESPACE") == null && System.getenv("POD_NAMESPACE") == null,
                "the namespace comes from the environment here");
        Cli.Run run = Cli.run(client, CLOCK, "create", "--service", SERVICE);
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("missing --namespace (or env JOBLANE_NAMESPACE or POD_NAMESPACE)");
    }

    @Test
    void noPermissionToWriteSecretsFailsWithForbiddenAndWritesNothing() {
        server.expect()
                .post()
                .withPath("/api/v1/namespaces/joblane/secrets")
                .andReturn(
                        403,
                        new StatusBuilder()
                                .withCode(403)
                                .withReason("Forbidden")
                                .withMessage(
                                        "secrets is forbidden: User \"system:serviceaccount:joblane:certs\" cannot create resource \"secrets\"")
                                .build())
                .always();
        Cli.Run run = create(CLOCK);
        assertThat(run.code()).as(run.toString()).isEqualTo(CertsException.FORBIDDEN);
        assertThat(run.err())
                .contains("forbidden: not allowed to create Secret joblane/joblane-webhook-tls")
                .contains("cannot create resource \"secrets\"");
        assertThat(Fixtures.secret(client)).isNull();
    }
}
