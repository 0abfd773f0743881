package io.joblane.certs.x509;

/** PEM text that cannot be read as what it claims to be; the message says which part and why. */
public class PemException extends IllegalArgumentException {
    public PemException(String message) {
        super(message);
    }

    public PemException(String message, Throwable cause) {
        super(message, cause);
    }
}
