package io.joblane.certs.x509;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a CA bundle, a serving certificate and a key contain and whether they fit together. Made by
 * {@link CertificateInspector}; immutable.
 *
 * @param authorities the CA certificates of the bundle, in bundle order
 * @param leaf the serving certificate
 * @param key the serving certificate's supposed private key
 * @param names the leaf's subject alternative names (DNS names and IP addresses), in certificate order
 * @param keyMatches whether {@code key} is the private key of {@code leaf}
 * @param issuer the bundle CA whose key signed the leaf, if any
 */
public record Inspection(
        List<X509Certificate> authorities,
        X509Certificate leaf,
        PrivateKey key,
        List<String> names,
        boolean keyMatches,
        Optional<X509Certificate> issuer) {
    public Instant notBefore() {
        return leaf.getNotBefore().toInstant();
    }

    public Instant notAfter() {
        return leaf.getNotAfter().toInstant();
    }

    public List<String> missingNames(List<String> wanted) {
        return wanted.stream().filter(n -> !names.contains(n)).toList();
    }

    public boolean signedByBundle() {
        return issuer.isPresent();
    }

    public KeyAlgorithm keyAlgorithm() {
        return KeyAlgorithm.ofJcaName(leaf.getPublicKey().getAlgorithm());
    }
}
