package io.joblane.certs.x509;

/**
 * What {@link CertificateEnsurer} decided and the material to store (the unchanged input when kept).
 *
 * @param reason why: the findings that forced a change, or a description of the kept certificate
 */
public record EnsureOutcome(Action action, String reason, StoredMaterial material) {
    /** Keep; new serving certificate from the stored CA (the CA bundle does not change); or all new. */
    public enum Action {
        KEPT,
        RENEWED_LEAF,
        REPLACED;

        public boolean changed() {
            return this != KEPT;
        }
    }

    /** One line for the user, e.g. "replaced: expired at 2026-01-01T00:00:00Z". */
    public String describe() {
        return switch (action) {
            case KEPT -> "kept: " + reason;
            case RENEWED_LEAF -> "renewed the serving certificate with the existing CA: " + reason;
            case REPLACED -> "replaced CA and serving certificate: " + reason;
        };
    }
}
