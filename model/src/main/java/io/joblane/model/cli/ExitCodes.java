package io.joblane.model.cli;

/**
 * The exit codes of every Joblane command ({@code joblane-webhook}, {@code joblane-scaler}, {@code joblane-certs}):
 * one table, one meaning per number, documented in the README. A code a tool never returns is still reserved.
 */
public final class ExitCodes {
    /** Done, or stopped by SIGTERM. */
    public static final int OK = 0;
    /** Failed at run time: cannot start (TLS files, port, informer sync), an API error, an unreadable trace. */
    public static final int FAILED = 1;
    /** Bad command line, flag value or node-group file: refused to start, the message names the flag or field. */
    public static final int USAGE = 2;
    /** certs: a named object does not exist (namespace, Secret, webhook configuration). */
    public static final int NOT_FOUND = 3;
    /** certs: permission denied by the API server (RBAC). */
    public static final int FORBIDDEN = 4;
    /** certs: a conflicting concurrent change persisted after the retries. */
    public static final int CONFLICT = 5;
    /** scaler run: this replica lost the Lease while not shutting down; Kubernetes restarts it as a standby. */
    public static final int LOST_LEASE = 6;

    private ExitCodes() {}
}
