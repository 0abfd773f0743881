package io.joblane.certs.x509;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RotationPlannerTest {
    private static final Instant T0 = Instant.parse("2030-01-15T10:00:00Z");
    private static final Duration SETTLE = Duration.ofMinutes(10);
    private static final CertificateSpec SPEC = CertificateSpec.of("joblane-webhook", "joblane", List.of());

    /** The Secret and the webhook configuration as the cluster would hold them across runs. */
    private StoredMaterial stored;

    private List<String> published;
    /** Every serving certificate written so far, newest last: a pod may still serve the previous one. */
    private final List<StoredMaterial> served = new ArrayList<>();

    private RotationPlan run(Instant at, boolean force) {
        RotationPlan plan =
                RotationPlanner.plan(stored, published, SPEC, SETTLE, force, Clock.fixed(at, ZoneOffset.UTC));
        for (RotationPlan.Step step : plan.steps()) {
            if (step instanceof RotationPlan.WriteStore w) {
                stored = w.material();
                served.add(stored);
            } else if (step instanceof RotationPlan.PublishBundle p) {
                published = List.of(p.caPem(), p.caPem());
            }
            assertLastTwoServedAreTrusted(step);
        }
        return plan;
    }

    // The invariant the rotation exists for: after every single write, whatever leaf a webhook pod may still serve
    // (the newest or the one before, until the kubelet syncs) is trusted by the published bundle.
    private void assertLastTwoServedAreTrusted(RotationPlan.Step after) {
        if (published == null || published.get(0).isBlank()) {
            return;
        }
        for (StoredMaterial s : served.subList(Math.max(0, served.size() - 2), served.size())) {
            X509Certificate leaf = Pem.parseCertificate(s.certPem(), "leaf");
            assertThat(CertificateInspector.issuerOf(leaf, Pem.parseCertificates(published.get(0), "bundle")))
                    .as("served leaf trusted after step: %s", after.why())
                    .isPresent();
        }
    }

    private void startStable() {
        stored = CertificateEnsurer.mintAll(SPEC, Clock.fixed(T0, ZoneOffset.UTC));
        served.add(stored);
        published = List.of(stored.caPem());
    }

    @Test
    void forcedRotationGoesThroughTheTwoCaBundleAndNeverServesAnUntrustedCertificate() {
        startStable();
        String oldCa = stored.caPem();
        Instant t = T0.plus(Duration.ofDays(1));

        RotationPlan p1 = run(t, true);
        assertThat(p1.found()).isEqualTo(RotationPlan.State.STABLE);
        assertThat(p1.summary()).startsWith("step 1/3");
        assertThat(Pem.parseCertificates(stored.caPem(), "ca")).hasSize(2);
        assertThat(stored.caPem()).startsWith(oldCa);
        assertThat(published.get(0)).isEqualTo(stored.caPem());
        assertThat(stored.certPem())
                .as("leaf unchanged in step 1")
                .isEqualTo(served.get(0).certPem());

        RotationPlan early = run(t.plus(Duration.ofMinutes(1)), false);
        assertThat(early.found()).isEqualTo(RotationPlan.State.NEW_CA_PUBLISHED);
        assertThat(early.steps()).isEmpty();
        assertThat(early.summary()).startsWith("waiting");

        RotationPlan p2 = run(t.plus(SETTLE), false);
        assertThat(p2.summary()).startsWith("step 2/3");
        X509Certificate newCa = Pem.parseCertificates(stored.caPem(), "ca").get(1);
        assertThat(Inspections.of(stored).issuer()).contains(newCa);

        assertThat(run(t.plus(SETTLE).plusSeconds(30), false).summary()).startsWith("waiting");

        RotationPlan p3 = run(t.plus(SETTLE.multipliedBy(2)), false);
        assertThat(p3.found()).isEqualTo(RotationPlan.State.LEAF_SWITCHED);
        assertThat(p3.summary()).isEqualTo("step 3/3: dropped the old CA; rotation complete");
        assertThat(Pem.parseCertificates(stored.caPem(), "ca")).containsExactly(newCa);
        assertThat(Pem.parseCertificates(published.get(0), "ca")).containsExactly(newCa);

        RotationPlan after = run(t.plus(SETTLE.multipliedBy(3)), false);
        assertThat(after.found()).isEqualTo(RotationPlan.State.STABLE);
        assertThat(after.steps()).isEmpty();
    }

    @Test
    void caNearItsEndStartsARotationWithoutForce() {
        startStable();
        // A serving certificate renewed late in the CA's life, so only the CA is due.
        CertificateAuthority ca = CertificateAuthority.parse(stored.caPem(), stored.caKeyPem());
        ServingCertificate leaf = CertificateMint.issue(
                ca, SPEC.names(), SPEC.options(), Clock.fixed(T0.plus(Duration.ofDays(3650 - 90)), ZoneOffset.UTC));
        stored = new StoredMaterial(stored.caPem(), leaf.certPem(), leaf.keyPem(), stored.caKeyPem());
        served.add(stored);
        RotationPlan p = run(T0.plus(Duration.ofDays(3650 - 80)), false);
        assertThat(p.summary()).startsWith("step 1/3, new CA (the CA expires at");
    }

    @Test
    void leafInItsRenewalWindowIsRenewedWithTheSameCaAfterSyncingTheBundle() {
        startStable();
        published = List.of("");
        RotationPlan p = run(T0.plus(Duration.ofDays(340)), false);
        assertThat(p.steps()).hasSize(2);
        assertThat(p.steps().get(0)).isInstanceOf(RotationPlan.PublishBundle.class);
        assertThat(p.steps().get(1)).isInstanceOf(RotationPlan.WriteStore.class);
        assertThat(stored.caPem()).isEqualTo(served.get(0).caPem());
    }

    @Test
    void aBundleLostFromTheWebhookConfigurationIsRepublishedBeforeTheLeafSwitches() {
        startStable();
        run(T0, true);
        published = List.of(served.get(0).caPem());
        RotationPlan p = run(T0.plus(SETTLE.multipliedBy(5)), false);
        assertThat(p.steps()).singleElement().isInstanceOf(RotationPlan.PublishBundle.class);
        assertThat(run(T0.plus(SETTLE.multipliedBy(5)), false).summary()).startsWith("step 2/3");
    }

    @Test
    void garbageSecretBootstraps() {
        stored = new StoredMaterial("garbage", "garbage", "garbage", null);
        published = List.of("");
        RotationPlan p = run(T0, false);
        assertThat(p.found()).isEqualTo(RotationPlan.State.BOOTSTRAP);
        assertThat(p.summary()).contains("malformed");
        assertThat(published.get(0)).isEqualTo(stored.caPem());
    }

    @Test
    void secretWithoutCaKeyRotatesTheCaKeepingTheServedLeafTrusted() {
        startStable();
        stored = new StoredMaterial(stored.caPem(), stored.certPem(), stored.keyPem(), null);
        RotationPlan p = run(T0.plus(Duration.ofDays(1)), false);
        assertThat(p.summary()).contains("no usable ca.key");
        assertThat(Pem.parseCertificates(stored.caPem(), "ca")).hasSize(2);
    }

    @Test
    void brokenServingCertificateWithAGoodCaIsReissuedWithoutChangingTheCa() {
        startStable();
        String ca = stored.caPem();
        stored = new StoredMaterial(stored.caPem(), "garbage", stored.keyPem(), stored.caKeyPem());
        RotationPlan p = run(T0.plus(Duration.ofDays(1)), false);
        assertThat(p.found()).isEqualTo(RotationPlan.State.BOOTSTRAP);
        assertThat(p.summary())
                .isEqualTo(
                        "re-issued the serving certificate from the stored CA (malformed: tls.crt holds no PEM block)");
        assertThat(p.steps()).singleElement().isInstanceOf(RotationPlan.WriteStore.class);
        assertThat(stored.caPem()).isEqualTo(ca);
        assertThat(Inspections.of(stored).keyMatches()).isTrue();
    }

    @Test
    void expiredServingCertificateIsFixedInOneRunFromTheStoredCa() {
        startStable();
        String ca = stored.caPem();
        RotationPlan p = run(T0.plus(Duration.ofDays(400)), false);
        assertThat(p.found()).isEqualTo(RotationPlan.State.BOOTSTRAP);
        assertThat(p.summary()).startsWith("re-issued the serving certificate from the stored CA (expired at");
        assertThat(stored.caPem()).isEqualTo(ca);
    }
}
