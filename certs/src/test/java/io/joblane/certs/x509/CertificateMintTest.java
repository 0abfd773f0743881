package io.joblane.certs.x509;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class CertificateMintTest {
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final Instant T0 = Instant.parse("2030-01-15T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(T0, ZoneOffset.UTC);

    // One mint shared by the handshake tests: key generation is the slow part.
    private static final TlsMaterial MINTED =
            CertificateMint.mint("joblane-webhook", "joblane", List.of("localhost", "127.0.0.1"));

    @Test
    void defaultMintIsEcdsaP256WithTheServiceNamesAndDefaultValidities() {
        TlsMaterial m = CertificateMint.mint(
                "joblane-webhook", "joblane", List.of("hooks.example.com"), MintOptions.DEFAULTS, CLOCK);
        Inspection i = Inspections.of(m);

        assertThat(i.names())
                .containsExactly(
                        "joblane-webhook",
                        "joblane-webhook.joblane",
                        "joblane-webhook.joblane.svc",
                        "joblane-webhook.joblane.svc.cluster.local",
                        "hooks.example.com");
        assertThat(i.leaf().getPublicKey()).isInstanceOf(ECPublicKey.class);
        assertThat(((ECPublicKey) i.leaf().getPublicKey())
                        .getParams()
                        .getCurve()
                        .getField()
                        .getFieldSize())
                .isEqualTo(256);
        assertThat(i.keyMatches()).isTrue();
        assertThat(i.signedByBundle()).isTrue();
        assertThat(i.notAfter()).isEqualTo(T0.plus(Duration.ofDays(365)));
        assertThat(i.notBefore()).isEqualTo(T0.minus(CertificateMint.NOT_BEFORE_BACKDATE));
        X509Certificate ca = i.authorities().get(0);
        assertThat(ca.getNotAfter().toInstant()).isEqualTo(T0.plus(Duration.ofDays(3650)));
        assertThat(i.leaf().getSigAlgName()).isEqualTo("SHA256withECDSA");
    }

    @Test
    void rsaOptionMakesRsa2048KeysWithKeyEncipherment() {
        MintOptions rsa = new MintOptions(
                KeyAlgorithm.RSA_2048, MintOptions.DEFAULT_CA_VALIDITY, MintOptions.DEFAULT_LEAF_VALIDITY);
        Inspection i = Inspections.of(CertificateMint.mint("svc", "ns", List.of(), rsa, CLOCK));

        assertThat(((RSAPublicKey) i.leaf().getPublicKey()).getModulus().bitLength())
                .isEqualTo(2048);
        assertThat(i.leaf().getSigAlgName()).isEqualTo("SHA256withRSA");
        assertThat(i.leaf().getKeyUsage()[2]).as("keyEncipherment").isTrue();
        assertThat(i.keyMatches()).isTrue();
        assertThat(i.keyAlgorithm()).isEqualTo(KeyAlgorithm.RSA_2048);
    }

    @ParameterizedTest
    @EnumSource(KeyAlgorithm.class)
    void chainPassesJdkPkixValidationAtTheClocksTime(KeyAlgorithm algorithm) throws Exception {
        TlsMaterial m = CertificateMint.mint(
                "svc",
                "ns",
                List.of(),
                new MintOptions(algorithm, MintOptions.DEFAULT_CA_VALIDITY, MintOptions.DEFAULT_LEAF_VALIDITY),
                CLOCK);
        X509Certificate ca = Pem.parseCertificate(m.caPem(), "ca");
        X509Certificate leaf = Pem.parseCertificate(m.certPem(), "leaf");

        validate(leaf, ca, T0.plus(Duration.ofDays(100)));

        assertThatThrownBy(() -> validate(leaf, ca, T0.plus(Duration.ofDays(366))))
                .as("expired leaf")
                .isInstanceOf(CertPathValidatorException.class);
        X509Certificate otherCa = Pem.parseCertificate(
                CertificateMint.mint("svc", "ns", List.of(), MintOptions.DEFAULTS, CLOCK)
                        .caPem(),
                "other");
        assertThatThrownBy(() -> validate(leaf, otherCa, T0.plus(Duration.ofDays(1))))
                .as("foreign CA")
                .isInstanceOf(CertPathValidatorException.class);
    }

    @Test
    void keyUsagesFitACaAndAServingCertificate() throws Exception {
        Inspection i = Inspections.of(MINTED);
        X509Certificate ca = i.authorities().get(0);
        X509Certificate leaf = i.leaf();

        assertThat(ca.getBasicConstraints()).as("CA, path length 0").isEqualTo(0);
        assertThat(ca.getCriticalExtensionOIDs()).contains("2.5.29.19", "2.5.29.15");
        boolean[] caUsage = ca.getKeyUsage();
        assertThat(caUsage[5]).as("keyCertSign").isTrue();
        assertThat(caUsage[6]).as("cRLSign").isTrue();

        assertThat(leaf.getBasicConstraints()).as("not a CA").isEqualTo(-1);
        boolean[] leafUsage = leaf.getKeyUsage();
        assertThat(leafUsage[0]).as("digitalSignature").isTrue();
        assertThat(leafUsage[5]).as("keyCertSign").isFalse();
        assertThat(leaf.getExtendedKeyUsage()).containsExactly(SERVER_AUTH);
        assertThat(ca.getSubjectX500Principal()).isEqualTo(leaf.getIssuerX500Principal());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "joblane-webhook",
                "joblane-webhook.joblane",
                "joblane-webhook.joblane.svc",
                "joblane-webhook.joblane.svc.cluster.local",
                "localhost"
            })
    void hostnameVerificationPassesForEverySan(String hostname) throws Exception {
        Inspection i = Inspections.of(MINTED);
        InMemoryTls.handshake(i.leaf(), i.key(), i.authorities(), hostname);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"joblane-webhook.other", "other.joblane.svc", "joblane-webhook.joblane.svc.cluster.example"})
    void hostnameVerificationFailsForANameNotInTheCertificate(String hostname) {
        Inspection i = Inspections.of(MINTED);
        assertThatThrownBy(() -> InMemoryTls.handshake(i.leaf(), i.key(), i.authorities(), hostname))
                .isInstanceOf(SSLHandshakeException.class)
                .hasMessageContaining(hostname);
    }

    @Test
    void handshakeFailsWhenTheClientTrustsAnotherCa() {
        Inspection i = Inspections.of(MINTED);
        X509Certificate otherCa = CertificateMint.mintAuthority(MintOptions.DEFAULTS, Clock.systemUTC())
                .certificate();
        assertThatThrownBy(() -> InMemoryTls.handshake(i.leaf(), i.key(), List.of(otherCa), "joblane-webhook"))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void issuingFromAnExistingCaKeepsTheCaAndNeverOutlivesIt() throws Exception {
        MintOptions shortCa = new MintOptions(
                MintOptions.DEFAULTS.algorithm(), Duration.ofDays(100), MintOptions.DEFAULT_LEAF_VALIDITY);
        CertificateAuthority ca = CertificateMint.mintAuthority(shortCa, CLOCK);
        Clock later = Clock.offset(CLOCK, Duration.ofDays(50));

        TlsMaterial m = CertificateMint.mint(ca, "svc", "ns", List.of(), shortCa, later);
        Inspection i = Inspections.of(m);

        assertThat(i.authorities()).containsExactly(ca.certificate());
        assertThat(i.notAfter())
                .as("capped at the CA's end")
                .isEqualTo(ca.certificate().getNotAfter().toInstant());
        validate(i.leaf(), ca.certificate(), T0.plus(Duration.ofDays(60)));
        assertThatThrownBy(() -> CertificateMint.mint(
                        ca, "svc", "ns", List.of(), shortCa, Clock.offset(CLOCK, Duration.ofDays(101))))
                .hasMessageContaining("expired");
    }

    @Test
    void twoCasMintedInTheSameSecondHaveDistinctSubjects() {
        CertificateAuthority a = CertificateMint.mintAuthority(MintOptions.DEFAULTS, CLOCK);
        CertificateAuthority b = CertificateMint.mintAuthority(MintOptions.DEFAULTS, CLOCK);
        // The same subject would make path building pick the wrong anchor during a two-CA rotation.
        assertThat(a.certificate().getSubjectX500Principal())
                .isNotEqualTo(b.certificate().getSubjectX500Principal());
    }

    @Test
    void namesAreValidatedAndNormalized() {
        assertThat(CertificateMint.serviceNames("Svc", "ns", List.of("Foo.Example.com", "svc", "::1")))
                .containsExactly(
                        "svc",
                        "svc.ns",
                        "svc.ns.svc",
                        "svc.ns.svc.cluster.local",
                        "foo.example.com",
                        "0:0:0:0:0:0:0:1");
        assertThatThrownBy(() -> CertificateMint.serviceNames("svc", "", List.of()))
                .hasMessageContaining("namespace is missing");
        assertThatThrownBy(() -> CertificateMint.serviceNames(null, "ns", List.of()))
                .hasMessageContaining("service is missing");
        assertThatThrownBy(() -> CertificateMint.serviceNames("svc", "bad_ns", List.of()))
                .hasMessageContaining("namespace \"bad_ns\"");
        assertThatThrownBy(() -> CertificateMint.serviceNames("svc", "ns", List.of("a b")))
                .hasMessageContaining("\"a b\"");
    }

    @Test
    void ipv6ExtraNameIsInTheCertificateInTheFormTheInspectorReports() {
        TlsMaterial m = CertificateMint.mint("svc", "ns", List.of("::1"), MintOptions.DEFAULTS, CLOCK);
        Inspection i = Inspections.of(m);
        assertThat(i.missingNames(CertificateMint.serviceNames("svc", "ns", List.of("::1"))))
                .isEmpty();
    }

    static void validate(X509Certificate leaf, X509Certificate ca, Instant at) throws Exception {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        CertPath path = cf.generateCertPath(List.of(leaf));
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
        params.setRevocationEnabled(false);
        params.setDate(Date.from(at));
        CertPathValidator.getInstance("PKIX").validate(path, params);
    }
}
