package io.joblane.certs.x509;

import java.time.Duration;
import java.util.Objects;

/** How to mint: key algorithm and the validity of the CA and of the serving (leaf) certificate. */
public record MintOptions(KeyAlgorithm algorithm, Duration caValidity, Duration leafValidity) {
    public static final Duration DEFAULT_CA_VALIDITY = Duration.ofDays(3650);
    public static final Duration DEFAULT_LEAF_VALIDITY = Duration.ofDays(365);
    public static final MintOptions DEFAULTS =
            new MintOptions(KeyAlgorithm.ECDSA_P256, DEFAULT_CA_VALIDITY, DEFAULT_LEAF_VALIDITY);

    public MintOptions {
        Objects.requireNonNull(algorithm, "algorithm");
        requirePositive(caValidity, "CA validity");
        requirePositive(leafValidity, "leaf validity");
    }

    private static void requirePositive(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, got " + d);
        }
    }
}
