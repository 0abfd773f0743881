package io.joblane.certs.kube;

import static io.joblane.certs.kube.Fixtures.NS;
import static io.joblane.certs.kube.Fixtures.SERVICE;
import static io.joblane.certs.kube.Fixtures.WEBHOOK_CONFIG;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.joblane.certs.CertsException;
import io.joblane.certs.Cli;
import io.joblane.certs.x509.CertificateInspector;
import io.joblane.certs.x509.Inspections;
import io.joblane.certs.x509.Pem;
import io.joblane.certs.x509.StoredMaterial;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class RotateCrudTest {
    private static final Instant T0 = Instant.parse("2030-01-15T10:00:00Z");

    KubernetesClient client;

    @BeforeEach
    void cluster() {
        Fixtures.namespace(client);
    }

    private Cli.Run rotate(Instant at, String... extra) {
        String[] base = {"rotate", "--service", SERVICE, "--namespace", NS, "--webhook-configuration", WEBHOOK_CONFIG};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        Cli.Run run = Cli.run(client, Clock.fixed(at, ZoneOffset.UTC), args);
        assertThat(run.code()).as(run.toString()).isZero();
        return run;
    }

    private static List<X509Certificate> certs(String pem) {
        return Pem.parseCertificates(pem, "bundle");
    }

    private void assertEveryEntryTrusts(StoredMaterial servedLeaf) {
        X509Certificate leaf = Pem.parseCertificate(servedLeaf.certPem(), "leaf");
        for (String bundle : Fixtures.bundles(client)) {
            assertThat(CertificateInspector.issuerOf(leaf, certs(bundle))).isPresent();
        }
    }

    @Test
    void bootstrapThenAForcedRotationThroughTheTwoCaBundle() {
        Fixtures.webhookConfiguration(client, 2);

        Cli.Run boot = rotate(T0);
        assertThat(boot.out()).contains("found bootstrap; bootstrap (no certificate stored yet)");
        StoredMaterial v1 = Fixtures.stored(client);
        assertThat(Fixtures.bundles(client)).containsExactly(v1.caPem(), v1.caPem());

        Instant t = T0.plus(Duration.ofDays(1));
        Cli.Run step1 = rotate(t, "--force");
        assertThat(step1.out()).contains("found stable; step 1/3, new CA (forced)");
        StoredMaterial s1 = Fixtures.stored(client);
        assertThat(certs(s1.caPem()))
                .hasSize(2)
                .first()
                .isEqualTo(certs(v1.caPem()).get(0));
        assertThat(s1.certPem()).isEqualTo(v1.certPem());
        assertThat(Fixtures.bundles(client))
                .allSatisfy(b -> assertThat(certs(b)).hasSize(2));
        assertEveryEntryTrusts(v1);

        assertThat(rotate(t.plus(Duration.ofMinutes(1))).out()).contains("found new-ca-published; waiting");

        Cli.Run step2 = rotate(t.plus(Duration.ofMinutes(6)));
        assertThat(step2.out()).contains("step 2/3");
        StoredMaterial s2 = Fixtures.stored(client);
        X509Certificate newCa = certs(s2.caPem()).get(1);
        assertThat(Inspections.of(s2).issuer()).contains(newCa);
        assertEveryEntryTrusts(v1);
        assertEveryEntryTrusts(s2);

        Cli.Run step3 = rotate(t.plus(Duration.ofMinutes(12)));
        assertThat(step3.out()).contains("found leaf-switched; step 3/3: dropped the old CA; rotation complete");
        assertThat(certs(Fixtures.stored(client).caPem())).containsExactly(newCa);
        assertThat(Fixtures.bundles(client))
                .allSatisfy(b -> assertThat(certs(b)).containsExactly(newCa));
        assertEveryEntryTrusts(s2);

        assertThat(rotate(t.plus(Duration.ofMinutes(20))).out())
                .contains("found stable; stable: valid until")
                .contains("nothing to do");
    }

    @Test
    void leafDueForRenewalIsRenewedWithTheSameCaInOneRun() {
        Fixtures.webhookConfiguration(client, 1);
        rotate(T0);
        String ca = Fixtures.stored(client).caPem();
        Cli.Run run = rotate(T0.plus(Duration.ofDays(340)));
        assertThat(run.out()).contains("renewed the serving certificate with the existing CA");
        assertThat(Fixtures.stored(client).caPem()).isEqualTo(ca);
        assertEveryEntryTrusts(Fixtures.stored(client));
    }

    @Test
    void unknownWebhookConfigurationFailsBeforeWritingTheSecret() {
        Cli.Run run = Cli.run(
                client,
                Clock.fixed(T0, ZoneOffset.UTC),
                "rotate",
                "--service",
                SERVICE,
                "--namespace",
                NS,
                "--webhook-configuration",
                "nope");
        assertThat(run.code()).isEqualTo(CertsException.NOT_FOUND);
        assertThat(run.err()).contains("MutatingWebhookConfiguration nope not found");
        assertThat(Fixtures.secret(client)).as("nothing half-done").isNull();
    }
}
