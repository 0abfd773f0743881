package io.joblane.certs;

/**
 * A failure the user can act on, with the exit code the CLI returns for it. Thrown by the adapters and the
 * commands; {@link Main} prints the message once and exits.
 */
public class CertsException extends RuntimeException {
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int NOT_FOUND = 3;
    public static final int FORBIDDEN = 4;
    public static final int CONFLICT = 5;

    private final int exitCode;

    public CertsException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public CertsException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
