package io.joblane.certs.x509;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class CertificateEnsurerTest {
    private static final Instant T0 = Instant.parse("2030-01-15T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(T0, ZoneOffset.UTC);
    private static final CertificateSpec SPEC = CertificateSpec.of("joblane-webhook", "joblane", List.of());
    private static final StoredMaterial GOOD = CertificateEnsurer.mintAll(SPEC, CLOCK);

    private static Clock at(Duration later) {
        return Clock.offset(CLOCK, later);
    }

    @Test
    void nothingStoredMintsEverythingAndASecondRunKeepsIt() {
        EnsureOutcome first = CertificateEnsurer.ensure(StoredMaterial.NONE, SPEC, CLOCK);
        assertThat(first.action()).isEqualTo(EnsureOutcome.Action.REPLACED);
        assertThat(first.reason()).isEqualTo("no certificate stored yet");

        EnsureOutcome second = CertificateEnsurer.ensure(first.material(), SPEC, at(Duration.ofDays(10)));
        assertThat(second.action()).isEqualTo(EnsureOutcome.Action.KEPT);
        assertThat(second.material()).isSameAs(first.material());
        assertThat(second.describe()).startsWith("kept: valid until 2031-01-15T10:00:00Z (355 days left)");
    }

    @Test
    void garbageCertificateIsRenewedFromTheStoredCaSoTheBundleStaysValid() {
        StoredMaterial garbage = new StoredMaterial(GOOD.caPem(), "garbage", GOOD.keyPem(), GOOD.caKeyPem());
        EnsureOutcome out = CertificateEnsurer.ensure(garbage, SPEC, CLOCK);

        assertThat(out.action()).isEqualTo(EnsureOutcome.Action.RENEWED_LEAF);
        assertThat(out.reason()).isEqualTo("malformed: tls.crt holds no PEM block");
        assertThat(out.material().caPem()).isEqualTo(GOOD.caPem());
        assertThat(Inspections.of(out.material()).keyMatches()).isTrue();
    }

    @Test
    void garbageEverywhereIsReplacedSayingWhy() {
        StoredMaterial garbage = new StoredMaterial("x", "y", "z", null);
        EnsureOutcome out = CertificateEnsurer.ensure(garbage, SPEC, CLOCK);
        assertThat(out.action()).isEqualTo(EnsureOutcome.Action.REPLACED);
        assertThat(out.describe())
                .isEqualTo("replaced CA and serving certificate: malformed: ca.crt holds no PEM block");
    }

    @Test
    void missingKeyIsNamed() {
        StoredMaterial partial = new StoredMaterial(GOOD.caPem(), GOOD.certPem(), null, null);
        assertThat(CertificateEnsurer.ensure(partial, SPEC, CLOCK).reason()).isEqualTo("malformed: tls.key missing");
    }

    @Test
    void expiredLeafIsRenewed() {
        EnsureOutcome out = CertificateEnsurer.ensure(GOOD, SPEC, at(Duration.ofDays(400)));
        assertThat(out.action()).isEqualTo(EnsureOutcome.Action.RENEWED_LEAF);
        assertThat(out.reason()).isEqualTo("expired at 2031-01-15T10:00:00Z");
        assertThat(Inspections.of(out.material()).notAfter()).isEqualTo(T0.plus(Duration.ofDays(765)));
    }

    @Test
    void leafInsideTheRenewalWindowIsRenewedButOneDayEarlierItIsKept() {
        assertThat(CertificateEnsurer.ensure(GOOD, SPEC, at(Duration.ofDays(334)))
                        .action())
                .isEqualTo(EnsureOutcome.Action.KEPT);
        EnsureOutcome out = CertificateEnsurer.ensure(GOOD, SPEC, at(Duration.ofDays(336)));
        assertThat(out.action()).isEqualTo(EnsureOutcome.Action.RENEWED_LEAF);
        assertThat(out.reason()).contains("29 days left", "within the renewal window of 720h");
    }

    @Test
    void wrongNamesAreReplacedNamingTheMissingOnes() {
        CertificateSpec other = CertificateSpec.of("other-webhook", "joblane", List.of("hooks.example.com"));
        EnsureOutcome out = CertificateEnsurer.ensure(GOOD, other, CLOCK);
        assertThat(out.action()).isEqualTo(EnsureOutcome.Action.RENEWED_LEAF);
        assertThat(out.reason())
                .startsWith("names missing from the certificate: other-webhook, other-webhook.joblane,")
                .contains("hooks.example.com");
        assertThat(Inspections.of(out.material()).missingNames(other.names())).isEmpty();
    }

    @Test
    void keyOfAnotherCertificateIsReplaced() {
        StoredMaterial other = CertificateEnsurer.mintAll(SPEC, CLOCK);
        StoredMaterial mismatched = new StoredMaterial(GOOD.caPem(), GOOD.certPem(), other.keyPem(), GOOD.caKeyPem());
        EnsureOutcome out = CertificateEnsurer.ensure(mismatched, SPEC, CLOCK);
        assertThat(out.reason()).isEqualTo("tls.key is not the key of tls.crt");
        assertThat(Inspections.of(out.material()).keyMatches()).isTrue();
    }

    @Test
    void caNearItsEndIsReplacedInsteadOfIssuingAShortLeaf() {
        CertificateSpec shortCa = new CertificateSpec(
                "joblane-webhook",
                "joblane",
                List.of(),
                new MintOptions(
                        MintOptions.DEFAULTS.algorithm(), Duration.ofDays(400), MintOptions.DEFAULT_LEAF_VALIDITY),
                CertificateSpec.DEFAULT_RENEW_BEFORE,
                CertificateSpec.DEFAULT_CA_RENEW_BEFORE);
        StoredMaterial stored = CertificateEnsurer.mintAll(shortCa, CLOCK);
        EnsureOutcome out = CertificateEnsurer.ensure(stored, shortCa, at(Duration.ofDays(340)));
        assertThat(out.action()).isEqualTo(EnsureOutcome.Action.REPLACED);
        assertThat(out.material().caPem()).isNotEqualTo(stored.caPem());
    }

    @Test
    void withoutTheCaKeyARenewalNeedsANewCa() {
        StoredMaterial noCaKey = new StoredMaterial(GOOD.caPem(), GOOD.certPem(), GOOD.keyPem(), null);
        assertThat(CertificateEnsurer.ensure(noCaKey, SPEC, CLOCK).action())
                .as("still good: kept")
                .isEqualTo(EnsureOutcome.Action.KEPT);
        assertThat(CertificateEnsurer.ensure(noCaKey, SPEC, at(Duration.ofDays(400)))
                        .action())
                .isEqualTo(EnsureOutcome.Action.REPLACED);
    }

    @Test
    void askingForRsaRenewsAnEcdsaLeaf() {
        CertificateSpec rsa = new CertificateSpec(
                "joblane-webhook",
                "joblane",
                List.of(),
                new MintOptions(
                        KeyAlgorithm.RSA_2048, MintOptions.DEFAULT_CA_VALIDITY, MintOptions.DEFAULT_LEAF_VALIDITY),
                CertificateSpec.DEFAULT_RENEW_BEFORE,
                CertificateSpec.DEFAULT_CA_RENEW_BEFORE);
        EnsureOutcome out = CertificateEnsurer.ensure(GOOD, rsa, CLOCK);
        assertThat(out.reason()).isEqualTo("key algorithm is ecdsa, rsa was asked for");
        assertThat(Inspections.of(out.material()).keyAlgorithm()).isEqualTo(KeyAlgorithm.RSA_2048);
    }

    @Test
    void specRefusesARenewalWindowAsLongAsTheValidity() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new CertificateSpec(
                        "s",
                        "n",
                        List.of(),
                        new MintOptions(
                                MintOptions.DEFAULTS.algorithm(), MintOptions.DEFAULT_CA_VALIDITY, Duration.ofDays(10)),
                        Duration.ofDays(10),
                        CertificateSpec.DEFAULT_CA_RENEW_BEFORE))
                .hasMessageContaining("renew-before");
    }
}
