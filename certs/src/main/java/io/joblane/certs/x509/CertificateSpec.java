package io.joblane.certs.x509;

import java.time.Duration;
import java.util.List;

/**
 * What the serving certificate must look like: the service's names, how to mint, and when to renew. The
 * constructor refuses settings that would renew on every run.
 */
public record CertificateSpec(
        String service,
        String namespace,
        List<String> extraNames,
        MintOptions options,
        Duration renewBefore,
        Duration caRenewBefore) {
    public static final Duration DEFAULT_RENEW_BEFORE = Duration.ofDays(30);
    public static final Duration DEFAULT_CA_RENEW_BEFORE = Duration.ofDays(90);

    public CertificateSpec {
        extraNames = List.copyOf(extraNames == null ? List.of() : extraNames);
        CertificateMint.serviceNames(service, namespace, extraNames);
        if (options == null) {
            options = MintOptions.DEFAULTS;
        }
        if (renewBefore == null || renewBefore.isNegative()) {
            throw new IllegalArgumentException("renew-before must be zero or positive, got " + renewBefore);
        }
        if (caRenewBefore == null || caRenewBefore.isNegative()) {
            throw new IllegalArgumentException("ca-renew-before must be zero or positive, got " + caRenewBefore);
        }
        if (renewBefore.compareTo(options.leafValidity()) >= 0) {
            throw new IllegalArgumentException("renew-before (" + renewBefore + ") must be shorter than the validity ("
                    + options.leafValidity() + "), or every run would renew");
        }
        if (caRenewBefore.compareTo(options.caValidity()) >= 0) {
            throw new IllegalArgumentException(
                    "ca-renew-before (" + caRenewBefore + ") must be shorter than the CA validity ("
                            + options.caValidity() + "), or every run would renew the CA");
        }
    }

    /** Defaults: ECDSA P-256, CA 10 years, leaf 1 year, renew 30 days before the leaf's end, 90 before the CA's. */
    public static CertificateSpec of(String service, String namespace, List<String> extraNames) {
        return new CertificateSpec(
                service, namespace, extraNames, MintOptions.DEFAULTS, DEFAULT_RENEW_BEFORE, DEFAULT_CA_RENEW_BEFORE);
    }

    /** The names the serving certificate must carry, see {@link CertificateMint#serviceNames}. */
    public List<String> names() {
        return CertificateMint.serviceNames(service, namespace, extraNames);
    }
}
