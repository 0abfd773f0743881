package io.joblane.certs.x509;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The verdict of {@link CertificateCheck} on stored material: what it holds and what is wrong with the serving
 * certificate. Immutable.
 *
 * @param inspection the parsed material, empty when something could not be read
 * @param signer the CA whose key is stored as {@code ca.key}, if that key belongs to a CA of the bundle
 * @param findings problems with the serving certificate, empty when it can be kept
 */
public record CertificateStatus(
        Optional<Inspection> inspection, Optional<CertificateAuthority> signer, List<Finding> findings) {
    public boolean keep() {
        return findings.isEmpty();
    }

    public boolean unusable() {
        return findings.stream().anyMatch(f -> f.kind().unusable());
    }

    /** The bundle CAs, or empty when unreadable. */
    public List<X509Certificate> authorities() {
        return inspection.map(Inspection::authorities).orElse(List.of());
    }

    /** The CA that signed the serving certificate. */
    public Optional<X509Certificate> issuer() {
        return inspection.flatMap(Inspection::issuer);
    }

    /** True when the stored CA key can issue a serving certificate now and is not near its own end. */
    public boolean signerUsable(Instant now, Duration caRenewBefore) {
        return signer.map(ca -> ca.certificate().getNotAfter().toInstant().isAfter(now.plus(caRenewBefore))
                        && !ca.certificate().getNotBefore().toInstant().isAfter(now))
                .orElse(false);
    }

    public String reasons() {
        return String.join("; ", findings.stream().map(Finding::message).toList());
    }
}
