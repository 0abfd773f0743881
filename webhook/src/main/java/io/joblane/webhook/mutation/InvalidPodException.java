package io.joblane.webhook.mutation;

/** A field of the pod's JSON has a type a Pod cannot have; the message names the field's JSON path. */
public class InvalidPodException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidPodException(String path, String expected) {
        super(path + ": must be " + expected);
    }
}
