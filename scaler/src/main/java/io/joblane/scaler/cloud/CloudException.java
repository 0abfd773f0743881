package io.joblane.scaler.cloud;

/**
 * A cloud call that did not succeed. {@link Kind} tells the loop what to do: retry next scan, or report
 * the group as misconfigured and skip it. Never treated as success.
 */
public class CloudException extends Exception {
    private static final long serialVersionUID = 1L;

    public enum Kind {
        /** Throttling, 5xx, network: retried by the SDK, then by the next scan. */
        TRANSIENT,
        /** The group is busy (ScalingActivityInProgress, ResourceContention): retry later. */
        BUSY,
        /** The request can never succeed as is (ValidationError, unknown group, access denied). */
        INVALID
    }

    private final Kind kind;
    private final String code;

    public CloudException(Kind kind, String code, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.code = code;
    }

    public CloudException(Kind kind, String code, String message) {
        this(kind, code, message, null);
    }

    public Kind kind() {
        return kind;
    }

    /** The cloud's error code, e.g. "Throttling", "ValidationError"; never null. */
    public String code() {
        return code == null ? "" : code;
    }
}
