package io.joblane.certs.x509;

/** One thing wrong with stored material, with a sentence for the user. */
public record Finding(Kind kind, String message) {
    /** What kind of problem, and so what it takes to fix it. */
    public enum Kind {
        /** Nothing stored yet. */
        MISSING(true),
        /** A part is missing or cannot be parsed. */
        MALFORMED(true),
        /** tls.key is not the key of tls.crt. */
        KEY_MISMATCH(true),
        /** tls.crt is not signed by any CA in ca.crt. */
        UNTRUSTED(true),
        NOT_YET_VALID(false),
        EXPIRED(false),
        RENEW_WINDOW(false),
        WRONG_NAMES(false),
        WRONG_ALGORITHM(false);

        private final boolean unusable;

        Kind(boolean unusable) {
            this.unusable = unusable;
        }

        /** True when the stored serving certificate cannot be served at all, so there is no trust to preserve. */
        public boolean unusable() {
            return unusable;
        }
    }

    @Override
    public String toString() {
        return message;
    }
}
