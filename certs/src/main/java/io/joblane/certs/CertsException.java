package io.joblane.certs;

import io.joblane.model.cli.ExitCodes;

/**
 * A failure the user can act on, with the exit code the CLI returns for it. Thrown by the adapters and the
 * commands; {@link Main} prints the message once and exits.
 */
public class CertsException extends RuntimeException {
    public static final int FAILED = ExitCodes.FAILED;
    public static final int USAGE = ExitCodes.USAGE;
    public static final int NOT_FOUND = ExitCodes.NOT_FOUND;
    public static final int FORBIDDEN = ExitCodes.FORBIDDEN;
    public static final int CONFLICT = ExitCodes.CONFLICT;

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
