package io.joblane.webhook.admission;

/** The body is not an AdmissionReview this webhook can answer; the message is the reason sent back with 400. */
public class BadRequestException extends Exception {
    private static final long serialVersionUID = 1L;

    public BadRequestException(String reason) {
        super(reason);
    }
}
