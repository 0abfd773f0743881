package io.joblane.certs.x509;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;

/** A freshly issued serving (leaf) certificate and its private key. */
public record ServingCertificate(X509Certificate certificate, PrivateKey key) {
    public ServingCertificate {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(key, "key");
    }

    public String certPem() {
        return Pem.encode(certificate);
    }

    public String keyPem() {
        return Pem.encode(key);
    }

    @Override
    public String toString() {
        return "ServingCertificate[" + certificate.getSubjectX500Principal().getName() + ", notAfter="
                + certificate.getNotAfter().toInstant() + "]";
    }
}
