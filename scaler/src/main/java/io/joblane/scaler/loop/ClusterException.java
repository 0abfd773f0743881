package io.joblane.scaler.loop;

/**
 * A Kubernetes API call of {@link ClusterAccess} that failed (after the client's own retries). The loop skips the
 * step it was part of and tries again next scan; a failure never leads to a termination.
 */
public class ClusterException extends Exception {
    private static final long serialVersionUID = 1L;

    public ClusterException(String message, Throwable cause) {
        super(message, cause);
    }

    public ClusterException(String message) {
        super(message);
    }
}
