package io.joblane.certs.x509;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The rotation state machine behind {@code certs rotate}. It keeps the served certificate trusted at every
 * moment: a new CA is first published next to the old one (Secret and caBundle), the serving certificate switches
 * to the new CA on a later run, and the old CA is dropped on a run after that. Each transition waits {@code settle}
 * after the previous one (measured from the newest certificate's issue time) so the API servers and the kubelet
 * have seen it. The state is derived from the stored material and the published bundles alone; no local state.
 * Pure apart from key generation; thread-safe.
 */
public final class RotationPlanner {
    private RotationPlanner() {}

    /**
     * @param published the caBundle (PEM) of each webhook entry, in order; a blank string for an entry without one
     * @param force start a CA rotation now from the stable state even though nothing is due
     */
    public static RotationPlan plan(
            StoredMaterial stored,
            List<String> published,
            CertificateSpec spec,
            Duration settle,
            boolean force,
            Clock clock) {
        Instant now = clock.instant();
        CertificateStatus status = CertificateCheck.check(stored, spec, now);
        // An expired certificate is already untrusted: there is nothing to preserve, so fix it in this run.
        boolean expired = status.findings().stream().anyMatch(f -> f.kind() == Finding.Kind.EXPIRED);
        if (status.unusable() || status.issuer().isEmpty() || expired) {
            return bootstrap(stored, status, published, spec, clock);
        }
        List<X509Certificate> bundle = status.authorities();
        X509Certificate issuer = status.issuer().get();
        boolean inSync = sameBundles(bundle, published);
        Optional<CertificateAuthority> signer = status.signer();

        if (bundle.size() == 1) {
            return stable(stored, status, spec, inSync, force, clock);
        }
        if (bundle.size() == 2
                && issuer.equals(bundle.get(0))
                && signer.isPresent()
                && signer.get().certificate().equals(bundle.get(1))) {
            return newCaPublished(stored, signer.get(), spec, inSync, settle, clock);
        }
        if (bundle.size() == 2 && issuer.equals(bundle.get(1))) {
            return leafSwitched(stored, issuer, status, inSync, settle, now);
        }
        return startCaRotation(
                RotationPlan.State.UNEXPECTED_BUNDLE,
                stored,
                issuer,
                spec,
                "ca.crt holds " + bundle.size() + " CAs in a layout this tool does not write",
                clock);
    }

    /**
     * Nothing servable is stored, so there is no trust to preserve: re-issue the serving certificate from the stored
     * CA when it is still good (publishing its bundle first), otherwise mint everything and publish the new CA.
     */
    private static RotationPlan bootstrap(
            StoredMaterial stored,
            CertificateStatus status,
            List<String> published,
            CertificateSpec spec,
            Clock clock) {
        String why = status.reasons();
        if (status.signerUsable(clock.instant(), spec.caRenewBefore())) {
            ServingCertificate leaf =
                    CertificateMint.issue(status.signer().orElseThrow(), spec.names(), spec.options(), clock);
            StoredMaterial renewed = CertificateEnsurer.verified(
                    new StoredMaterial(stored.caPem(), leaf.certPem(), leaf.keyPem(), stored.caKeyPem()), spec);
            List<RotationPlan.Step> steps = new ArrayList<>();
            if (!sameBundles(
                    status.authorities().isEmpty()
                            ? Pem.parseCertificates(stored.caPem(), "ca.crt")
                            : status.authorities(),
                    published)) {
                steps.add(new RotationPlan.PublishBundle(stored.caPem(), "publish the stored CA bundle"));
            }
            steps.add(new RotationPlan.WriteStore(renewed, "new serving certificate from the stored CA: " + why));
            return new RotationPlan(
                    RotationPlan.State.BOOTSTRAP,
                    steps,
                    "re-issued the serving certificate from the stored CA (" + why + ")");
        }
        StoredMaterial all = CertificateEnsurer.verified(CertificateEnsurer.mintAll(spec, clock), spec);
        return new RotationPlan(
                RotationPlan.State.BOOTSTRAP,
                List.of(
                        new RotationPlan.WriteStore(all, "new CA and serving certificate: " + why),
                        new RotationPlan.PublishBundle(all.caPem(), "publish the new CA")),
                "bootstrap (" + why + "): wrote a new CA and serving certificate and published the CA");
    }

    /** When a certificate was made: its notBefore plus the mint's backdating. */
    public static Instant issuedAt(X509Certificate certificate) {
        return certificate.getNotBefore().toInstant().plus(CertificateMint.NOT_BEFORE_BACKDATE);
    }

    private static RotationPlan stable(
            StoredMaterial stored,
            CertificateStatus status,
            CertificateSpec spec,
            boolean inSync,
            boolean force,
            Clock clock) {
        Instant now = clock.instant();
        X509Certificate issuer = status.issuer().orElseThrow();
        boolean signerUsable = status.signerUsable(now, spec.caRenewBefore());
        if (force || !signerUsable) {
            String why = force
                    ? "forced"
                    : status.signer().isEmpty()
                            ? "no usable ca.key for the CA"
                            : "the CA expires at " + issuer.getNotAfter().toInstant()
                                    + ", within the CA renewal window of "
                                    + spec.caRenewBefore().toHours() + "h";
            return startCaRotation(RotationPlan.State.STABLE, stored, issuer, spec, why, clock);
        }
        List<RotationPlan.Step> steps = new ArrayList<>();
        if (!inSync) {
            steps.add(new RotationPlan.PublishBundle(
                    stored.caPem(), "the webhook configuration's caBundle differs from ca.crt"));
        }
        if (!status.keep()) {
            ServingCertificate leaf =
                    CertificateMint.issue(status.signer().orElseThrow(), spec.names(), spec.options(), clock);
            StoredMaterial renewed = CertificateEnsurer.verified(
                    new StoredMaterial(stored.caPem(), leaf.certPem(), leaf.keyPem(), stored.caKeyPem()), spec);
            steps.add(new RotationPlan.WriteStore(
                    renewed, "renew the serving certificate with the same CA: " + status.reasons()));
            return new RotationPlan(
                    RotationPlan.State.STABLE,
                    steps,
                    "renewed the serving certificate with the existing CA (" + status.reasons() + ")"
                            + (inSync ? "" : "; re-published the CA bundle first"));
        }
        String kept = "stable: " + CertificateCheck.describeKept(status, now) + "; CA valid until "
                + issuer.getNotAfter().toInstant();
        return new RotationPlan(
                RotationPlan.State.STABLE,
                steps,
                inSync ? kept + "; nothing to do" : kept + "; re-published the CA bundle");
    }

    private static RotationPlan startCaRotation(
            RotationPlan.State found,
            StoredMaterial stored,
            X509Certificate issuer,
            CertificateSpec spec,
            String why,
            Clock clock) {
        CertificateAuthority next = CertificateMint.mintAuthority(spec.options(), clock);
        String bundle = Pem.encode(issuer, next.certificate());
        StoredMaterial staged = CertificateEnsurer.verified(
                new StoredMaterial(bundle, stored.certPem(), stored.keyPem(), next.keyPem()), spec);
        return new RotationPlan(
                found,
                List.of(
                        new RotationPlan.WriteStore(staged, "add a new CA next to the serving certificate's CA"),
                        new RotationPlan.PublishBundle(bundle, "publish both CAs")),
                "step 1/3, new CA (" + why + "): ca.crt and caBundle now hold the old and the new CA; "
                        + "the serving certificate switches to the new CA on a run after the settle time");
    }

    private static RotationPlan newCaPublished(
            StoredMaterial stored,
            CertificateAuthority next,
            CertificateSpec spec,
            boolean inSync,
            Duration settle,
            Clock clock) {
        if (!inSync) {
            return new RotationPlan(
                    RotationPlan.State.NEW_CA_PUBLISHED,
                    List.of(new RotationPlan.PublishBundle(
                            stored.caPem(), "the webhook configuration lacks one of the two CAs")),
                    "two-CA bundle re-published; the serving certificate switches on a run after the settle time");
        }
        Instant due = issuedAt(next.certificate()).plus(settle);
        if (clock.instant().isBefore(due)) {
            return new RotationPlan(
                    RotationPlan.State.NEW_CA_PUBLISHED,
                    List.of(),
                    "waiting: both CAs are published; the serving certificate switches to the new CA on a run after "
                            + due);
        }
        ServingCertificate leaf = CertificateMint.issue(next, spec.names(), spec.options(), clock);
        StoredMaterial switched = CertificateEnsurer.verified(
                new StoredMaterial(stored.caPem(), leaf.certPem(), leaf.keyPem(), stored.caKeyPem()), spec);
        return new RotationPlan(
                RotationPlan.State.NEW_CA_PUBLISHED,
                List.of(new RotationPlan.WriteStore(switched, "serving certificate from the new CA")),
                "step 2/3: the serving certificate is now signed by the new CA; the old CA is dropped on a run after the settle time");
    }

    private static RotationPlan leafSwitched(
            StoredMaterial stored,
            X509Certificate current,
            CertificateStatus status,
            boolean inSync,
            Duration settle,
            Instant now) {
        if (!inSync) {
            return new RotationPlan(
                    RotationPlan.State.LEAF_SWITCHED,
                    List.of(new RotationPlan.PublishBundle(
                            stored.caPem(), "the webhook configuration lacks one of the two CAs")),
                    "two-CA bundle re-published; the old CA is dropped on a run after the settle time");
        }
        Instant due = issuedAt(status.inspection().orElseThrow().leaf()).plus(settle);
        if (now.isBefore(due)) {
            return new RotationPlan(
                    RotationPlan.State.LEAF_SWITCHED,
                    List.of(),
                    "waiting: the serving certificate is the new CA's; the old CA is dropped on a run after " + due);
        }
        String bundle = Pem.encode(current);
        StoredMaterial dropped = new StoredMaterial(bundle, stored.certPem(), stored.keyPem(), stored.caKeyPem());
        return new RotationPlan(
                RotationPlan.State.LEAF_SWITCHED,
                List.of(
                        new RotationPlan.WriteStore(dropped, "drop the old CA"),
                        new RotationPlan.PublishBundle(bundle, "publish only the new CA")),
                "step 3/3: dropped the old CA; rotation complete");
    }

    /** True when every entry's bundle holds exactly the stored CAs (order ignored). */
    static boolean sameBundles(List<X509Certificate> stored, List<String> published) {
        if (published.isEmpty()) {
            return false;
        }
        Set<String> want = fingerprints(stored);
        for (String pem : published) {
            try {
                if (!fingerprints(Pem.parseCertificates(pem, "caBundle")).equals(want)) {
                    return false;
                }
            } catch (PemException e) {
                return false;
            }
        }
        return true;
    }

    private static Set<String> fingerprints(List<X509Certificate> certs) {
        Set<String> out = new HashSet<>();
        for (X509Certificate c : certs) {
            try {
                out.add(Base64.getEncoder().encodeToString(c.getEncoded()));
            } catch (CertificateEncodingException e) {
                throw new PemException("unencodable certificate", e);
            }
        }
        return out;
    }
}
