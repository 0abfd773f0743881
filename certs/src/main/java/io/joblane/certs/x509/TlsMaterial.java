package io.joblane.certs.x509;

import java.util.Objects;

/**
 * The three PEM texts a TLS server and its clients need: the CA bundle clients trust (one or, during a rotation,
 * two CA certificates), the serving certificate and its private key (PKCS#8).
 */
public record TlsMaterial(String caPem, String certPem, String keyPem) {
    public TlsMaterial {
        Objects.requireNonNull(caPem, "caPem");
        Objects.requireNonNull(certPem, "certPem");
        Objects.requireNonNull(keyPem, "keyPem");
    }

    @Override
    public String toString() {
        return "TlsMaterial[caPem=" + caPem.length() + " chars, certPem=" + certPem.length()
                + " chars, keyPem=<hidden>]";
    }
}
