package io.joblane.certs.x509;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;

/** A CA certificate with its private key: what is needed to issue (or re-issue) serving certificates. */
public record CertificateAuthority(X509Certificate certificate, PrivateKey key) {
    public CertificateAuthority {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(key, "key");
    }

    /** Reads a CA from PEM and checks that the key belongs to the certificate and that it is a CA. */
    public static CertificateAuthority parse(String certPem, String keyPem) {
        X509Certificate cert = Pem.parseCertificate(certPem, "CA certificate");
        PrivateKey key = Pem.parsePrivateKey(keyPem, "CA key");
        if (cert.getBasicConstraints() < 0) {
            throw new PemException(
                    "CA certificate " + cert.getSubjectX500Principal().getName() + " is not a CA (basicConstraints)");
        }
        if (!KeyPairs.matches(key, cert)) {
            throw new PemException("CA key does not belong to the CA certificate "
                    + cert.getSubjectX500Principal().getName());
        }
        return new CertificateAuthority(cert, key);
    }

    public String certPem() {
        return Pem.encode(certificate);
    }

    public String keyPem() {
        return Pem.encode(key);
    }

    @Override
    public String toString() {
        return "CertificateAuthority[" + certificate.getSubjectX500Principal().getName() + ", notAfter="
                + certificate.getNotAfter().toInstant() + "]";
    }
}
