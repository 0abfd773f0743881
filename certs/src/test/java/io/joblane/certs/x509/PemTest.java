package io.joblane.certs.x509;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.PrivateKey;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

class PemTest {
    private static final TlsMaterial M = CertificateMint.mint("svc", "ns", List.of());

    @Test
    void roundTripsCertificatesBundlesAndKeys() {
        CertificateAuthority second = CertificateMint.mintAuthority(MintOptions.DEFAULTS, Clock.systemUTC());
        String bundle = M.caPem() + second.certPem();

        assertThat(Pem.parseCertificates(bundle, "bundle"))
                .hasSize(2)
                .element(1)
                .isEqualTo(second.certificate());
        assertThat(Pem.encode(Pem.parseCertificates(bundle, "bundle"))).isEqualTo(bundle);
        PrivateKey key = Pem.parsePrivateKey(M.keyPem(), "key");
        assertThat(Pem.encode(key)).isEqualTo(M.keyPem()).startsWith("-----BEGIN PRIVATE KEY-----");
    }

    @Test
    void readsOpenSslTraditionalEcKey() {
        // Written by `openssl ecparam -genkey -name prime256v1 -noout`, the "EC PRIVATE KEY" form many tools produce.
        String sec1 = """
                -----BEGIN EC PRIVATE KEY-----
                MHcCAQEEIG2Aqhl80DxjElzC3F9kokKM8uLgpN2UBsda3y2VaH2ToAoGCCqGSM49
                AwEHoUQDQgAEZfWXQI9KldeUW13QFx3DJaUvXgHzcwlCXHr9WJWnawoe4nmSgNzP
                MDI7/XYJYOttSA2x8We1Ldl3y+DouAVzQA==
                -----END EC PRIVATE KEY-----
                """;
        assertThat(Pem.parsePrivateKey(sec1, "key").getAlgorithm()).isEqualTo("EC");
    }

    @Test
    void garbageIsRefusedNamingThePart() {
        assertThatThrownBy(() -> Pem.parseCertificates("not a certificate", "tls.crt"))
                .isInstanceOf(PemException.class)
                .hasMessage("tls.crt holds no PEM block");
        assertThatThrownBy(() -> Pem.parseCertificates("", "ca.crt")).hasMessage("ca.crt is empty");
        assertThatThrownBy(() -> Pem.parseCertificates(M.keyPem(), "tls.crt"))
                .hasMessageContaining("where a certificate was expected");
        assertThatThrownBy(() -> Pem.parsePrivateKey(M.certPem(), "tls.key"))
                .hasMessageContaining("where a private key was expected");
        String truncated = M.certPem().substring(0, M.certPem().length() / 2) + "\n-----END CERTIFICATE-----\n";
        assertThatThrownBy(() -> Pem.parseCertificates(truncated, "tls.crt"))
                .isInstanceOf(PemException.class)
                .hasMessageStartingWith("tls.crt");
        assertThatThrownBy(() -> Pem.parseCertificate(M.caPem() + M.caPem(), "tls.crt"))
                .hasMessageContaining("expected exactly one");
    }
}
