package io.joblane.certs.x509;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

class CertificateInspectorTest {
    @Test
    void detectsAKeyThatIsNotTheCertificatesKey() {
        TlsMaterial a = CertificateMint.mint("svc", "ns", List.of());
        TlsMaterial b = CertificateMint.mint("svc", "ns", List.of());

        assertThat(CertificateInspector.keyMatches(a.certPem(), a.keyPem())).isTrue();
        assertThat(CertificateInspector.keyMatches(a.certPem(), b.keyPem())).isFalse();
        assertThat(CertificateInspector.keyMatches(a.certPem(), "garbage")).isFalse();
        assertThat(CertificateInspector.inspect(a.caPem(), a.certPem(), b.keyPem())
                        .keyMatches())
                .isFalse();
    }

    @Test
    void rsaKeyAgainstEcCertificateIsAMismatchNotAnError() {
        TlsMaterial ec = CertificateMint.mint("svc", "ns", List.of());
        TlsMaterial rsa = CertificateMint.mint(
                "svc",
                "ns",
                List.of(),
                new MintOptions(
                        KeyAlgorithm.RSA_2048, MintOptions.DEFAULT_CA_VALIDITY, MintOptions.DEFAULT_LEAF_VALIDITY),
                Clock.systemUTC());
        assertThat(CertificateInspector.keyMatches(ec.certPem(), rsa.keyPem())).isFalse();
    }

    @Test
    void findsTheSigningCaInATwoCaBundle() {
        CertificateAuthority oldCa = CertificateMint.mintAuthority(MintOptions.DEFAULTS, Clock.systemUTC());
        CertificateAuthority newCa = CertificateMint.mintAuthority(MintOptions.DEFAULTS, Clock.systemUTC());
        TlsMaterial leafOfNew =
                CertificateMint.mint(newCa, "svc", "ns", List.of(), MintOptions.DEFAULTS, Clock.systemUTC());

        Inspection both = CertificateInspector.inspect(
                oldCa.certPem() + newCa.certPem(), leafOfNew.certPem(), leafOfNew.keyPem());
        assertThat(both.issuer()).contains(newCa.certificate());
        Inspection onlyOld = CertificateInspector.inspect(oldCa.certPem(), leafOfNew.certPem(), leafOfNew.keyPem());
        assertThat(onlyOld.signedByBundle()).isFalse();
    }

    @Test
    void reportsMissingNames() {
        Inspection i = Inspections.of(CertificateMint.mint("svc", "ns", List.of()));
        List<String> wanted = CertificateMint.serviceNames("svc", "ns", List.of("extra.example.com"));
        assertThat(i.missingNames(wanted)).isNotEmpty();
        assertThat(i.missingNames(wanted)).containsExactly("extra.example.com");
    }

    @Test
    void unparseableInputNamesTheFile() {
        TlsMaterial m = CertificateMint.mint("svc", "ns", List.of());
        assertThatThrownBy(() -> CertificateInspector.inspect("x", m.certPem(), m.keyPem()))
                .hasMessageStartingWith("ca.crt");
        assertThatThrownBy(() -> CertificateInspector.inspect(m.caPem(), "x", m.keyPem()))
                .hasMessageStartingWith("tls.crt");
        assertThatThrownBy(() -> CertificateInspector.inspect(m.caPem(), m.certPem(), "x"))
                .hasMessageStartingWith("tls.key");
    }

    @Test
    void caParseRefusesAForeignKey() {
        CertificateAuthority a = CertificateMint.mintAuthority(MintOptions.DEFAULTS, Clock.systemUTC());
        CertificateAuthority b = CertificateMint.mintAuthority(MintOptions.DEFAULTS, Clock.systemUTC());
        assertThat(CertificateAuthority.parse(a.certPem(), a.keyPem()).certificate())
                .isEqualTo(a.certificate());
        assertThatThrownBy(() -> CertificateAuthority.parse(a.certPem(), b.keyPem()))
                .hasMessageContaining("does not belong");
    }
}
