package io.joblane.certs.x509;

import java.security.PrivateKey;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * The "ensure a valid certificate" decision shared by {@code certs create} (Secret or directory) and the
 * webhook's in-process mode: keep good material, otherwise issue a new serving certificate from the stored CA when
 * that CA is good for longer than the CA renewal window (so the published CA bundle stays valid), otherwise mint
 * everything new. Pure apart from key generation; thread-safe.
 */
public final class CertificateEnsurer {
    private CertificateEnsurer() {}

    public static EnsureOutcome ensure(StoredMaterial stored, CertificateSpec spec, Clock clock) {
        Instant now = clock.instant();
        CertificateStatus status = CertificateCheck.check(stored, spec, now);
        if (status.keep()) {
            return new EnsureOutcome(EnsureOutcome.Action.KEPT, CertificateCheck.describeKept(status, now), stored);
        }
        if (status.signerUsable(now, spec.caRenewBefore())) {
            CertificateAuthority ca = status.signer().orElseThrow();
            ServingCertificate leaf = CertificateMint.issue(ca, spec.names(), spec.options(), clock);
            StoredMaterial renewed =
                    new StoredMaterial(stored.caPem(), leaf.certPem(), leaf.keyPem(), stored.caKeyPem());
            return new EnsureOutcome(EnsureOutcome.Action.RENEWED_LEAF, status.reasons(), verified(renewed, spec));
        }
        return new EnsureOutcome(EnsureOutcome.Action.REPLACED, status.reasons(), verified(mintAll(spec, clock), spec));
    }

    /** A new CA and serving certificate; the bundle holds only the new CA. */
    public static StoredMaterial mintAll(CertificateSpec spec, Clock clock) {
        CertificateAuthority ca = CertificateMint.mintAuthority(spec.options(), clock);
        ServingCertificate leaf = CertificateMint.issue(ca, spec.names(), spec.options(), clock);
        return new StoredMaterial(ca.certPem(), leaf.certPem(), leaf.keyPem(), ca.keyPem());
    }

    /**
     * The material with its CA bundle widened to also hold the still-valid CAs of {@code publishedBundles} (the
     * caBundles the API server trusts now), old ones first: published before the Secret is written, such a bundle
     * trusts both the serving certificate pods still serve and the new one, as the first step of a rotation does.
     * {@code certs rotate} later drops the old CAs once every pod serves the new certificate.
     */
    public static StoredMaterial alongsidePublished(
            StoredMaterial material, List<String> publishedBundles, CertificateSpec spec, Instant now) {
        java.util.LinkedHashMap<String, java.security.cert.X509Certificate> cas = new java.util.LinkedHashMap<>();
        for (String bundle : publishedBundles) {
            if (bundle == null || bundle.isBlank()) {
                continue;
            }
            List<java.security.cert.X509Certificate> parsed;
            try {
                parsed = Pem.parseCertificates(bundle, "published caBundle");
            } catch (PemException e) {
                continue; // an unreadable bundle trusts nothing worth keeping
            }
            for (java.security.cert.X509Certificate ca : parsed) {
                if (ca.getNotAfter().toInstant().isAfter(now)) {
                    cas.putIfAbsent(Pem.encode(ca), ca);
                }
            }
        }
        for (java.security.cert.X509Certificate ca : Pem.parseCertificates(material.caPem(), StoredMaterial.CA_CRT)) {
            cas.putIfAbsent(Pem.encode(ca), ca);
        }
        String bundle = Pem.encode(List.copyOf(cas.values()));
        return verified(new StoredMaterial(bundle, material.certPem(), material.keyPem(), material.caKeyPem()), spec);
    }

    /**
     * Last check before anything is written: the key is the certificate's, a CA of the bundle signed it, and it
     * carries the wanted names. A failure here is a bug, never a half-written store.
     */
    public static StoredMaterial verified(StoredMaterial material, CertificateSpec spec) {
        Inspection i = CertificateInspector.inspect(material.caPem(), material.certPem(), material.keyPem());
        List<String> missing = i.missingNames(spec.names());
        if (!i.keyMatches() || !i.signedByBundle() || !missing.isEmpty()) {
            throw new IllegalStateException("refusing to store inconsistent material: keyMatches=" + i.keyMatches()
                    + ", signedByBundle=" + i.signedByBundle() + ", missingNames=" + missing);
        }
        if (material.caKeyPem() != null) {
            PrivateKey caKey = Pem.parsePrivateKey(material.caKeyPem(), StoredMaterial.CA_KEY);
            if (i.authorities().stream().noneMatch(ca -> KeyPairs.matches(caKey, ca))) {
                throw new IllegalStateException(
                        "refusing to store inconsistent material: ca.key belongs to no CA of ca.crt");
            }
        }
        return material;
    }
}
