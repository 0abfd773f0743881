package io.joblane.certs.x509;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Judges stored TLS material against the wanted {@link CertificateSpec} at a given instant. The single place that
 * decides whether a serving certificate is still good; used by create, rotate and the webhook's in-process mode.
 */
public final class CertificateCheck {
    private CertificateCheck() {}

    public static CertificateStatus check(StoredMaterial stored, CertificateSpec spec, Instant now) {
        if (stored == null || stored.isEmpty()) {
            return new CertificateStatus(
                    Optional.empty(),
                    Optional.empty(),
                    List.of(new Finding(Finding.Kind.MISSING, "no certificate stored yet")));
        }
        // The CA and its key are judged on their own, so a broken serving certificate can be re-issued from them.
        Optional<CertificateAuthority> signer = storedSigner(stored);
        List<String> absent = absentParts(stored);
        if (!absent.isEmpty()) {
            return malformed(signer, String.join(", ", absent) + " missing");
        }
        Inspection inspection;
        try {
            inspection = CertificateInspector.inspect(stored.caPem(), stored.certPem(), stored.keyPem());
        } catch (PemException e) {
            return malformed(signer, e.getMessage());
        }
        List<Finding> findings = new ArrayList<>();
        checkKeyAndTrust(inspection, findings);
        checkValidity(inspection, spec, now, findings);
        checkNamesAndAlgorithm(inspection, spec, findings);
        return new CertificateStatus(Optional.of(inspection), signer, List.copyOf(findings));
    }

    private static CertificateStatus malformed(Optional<CertificateAuthority> signer, String why) {
        return new CertificateStatus(
                Optional.empty(), signer, List.of(new Finding(Finding.Kind.MALFORMED, "malformed: " + why)));
    }

    private static Optional<CertificateAuthority> storedSigner(StoredMaterial stored) {
        if (blank(stored.caPem())) {
            return Optional.empty();
        }
        try {
            return signer(stored.caKeyPem(), Pem.parseCertificates(stored.caPem(), StoredMaterial.CA_CRT));
        } catch (PemException e) {
            return Optional.empty();
        }
    }

    private static List<String> absentParts(StoredMaterial stored) {
        List<String> absent = new ArrayList<>();
        if (blank(stored.caPem())) {
            absent.add(StoredMaterial.CA_CRT);
        }
        if (blank(stored.certPem())) {
            absent.add(StoredMaterial.TLS_CRT);
        }
        if (blank(stored.keyPem())) {
            absent.add(StoredMaterial.TLS_KEY);
        }
        return absent;
    }

    private static void checkKeyAndTrust(Inspection inspection, List<Finding> findings) {
        if (!inspection.keyMatches()) {
            findings.add(new Finding(Finding.Kind.KEY_MISMATCH, "tls.key is not the key of tls.crt"));
        }
        if (!inspection.signedByBundle()) {
            findings.add(new Finding(Finding.Kind.UNTRUSTED, "tls.crt is not signed by any CA in ca.crt"));
        }
    }

    private static void checkValidity(
            Inspection inspection, CertificateSpec spec, Instant now, List<Finding> findings) {
        Instant notAfter = inspection.notAfter();
        if (!notAfter.isAfter(now)) {
            findings.add(new Finding(Finding.Kind.EXPIRED, "expired at " + notAfter));
        } else if (!notAfter.isAfter(now.plus(spec.renewBefore()))) {
            findings.add(new Finding(
                    Finding.Kind.RENEW_WINDOW,
                    "expires at " + notAfter + " (" + daysLeft(now, notAfter)
                            + " days left), within the renewal window of "
                            + spec.renewBefore().toHours() + "h"));
        }
        if (inspection.notBefore().isAfter(now)) {
            findings.add(new Finding(Finding.Kind.NOT_YET_VALID, "not valid before " + inspection.notBefore()));
        }
        inspection.issuer().ifPresent(ca -> {
            if (!ca.getNotAfter().toInstant().isAfter(now)) {
                findings.add(new Finding(
                        Finding.Kind.EXPIRED,
                        "its CA expired at " + ca.getNotAfter().toInstant()));
            }
        });
    }

    private static void checkNamesAndAlgorithm(Inspection inspection, CertificateSpec spec, List<Finding> findings) {
        List<String> missing = inspection.missingNames(spec.names());
        if (!missing.isEmpty()) {
            findings.add(new Finding(
                    Finding.Kind.WRONG_NAMES,
                    "names missing from the certificate: " + String.join(", ", missing) + " (it has "
                            + String.join(", ", inspection.names()) + ")"));
        }
        KeyAlgorithm actual = algorithmOf(inspection);
        if (actual != null && actual != spec.options().algorithm()) {
            findings.add(new Finding(
                    Finding.Kind.WRONG_ALGORITHM,
                    "key algorithm is " + actual.flag() + ", "
                            + spec.options().algorithm().flag() + " was asked for"));
        }
    }

    /** A sentence for a certificate that is kept. */
    public static String describeKept(CertificateStatus status, Instant now) {
        Inspection i = status.inspection().orElseThrow();
        return "valid until " + i.notAfter() + " (" + daysLeft(now, i.notAfter()) + " days left) for "
                + String.join(", ", i.names());
    }

    static long daysLeft(Instant now, Instant end) {
        return Duration.between(now, end).toDays();
    }

    private static Optional<CertificateAuthority> signer(String caKeyPem, List<X509Certificate> authorities) {
        if (blank(caKeyPem)) {
            return Optional.empty();
        }
        PrivateKey key;
        try {
            key = Pem.parsePrivateKey(caKeyPem, StoredMaterial.CA_KEY);
        } catch (PemException e) {
            return Optional.empty();
        }
        for (X509Certificate ca : authorities) {
            if (ca.getBasicConstraints() >= 0 && KeyPairs.matches(key, ca)) {
                return Optional.of(new CertificateAuthority(ca, key));
            }
        }
        return Optional.empty();
    }

    private static KeyAlgorithm algorithmOf(Inspection inspection) {
        try {
            return inspection.keyAlgorithm();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
