package io.joblane.webhook.mutation;

/** What the webhook did with one pod; the value of the {@code outcome} metric label. */
public enum Outcome {
    /** A Job pod that needed changes: the answer carries a patch. */
    MUTATED,
    /** A Job pod that already had everything (a reinvocation, or a user who set it all by hand). */
    UNCHANGED,
    /** Not a Job pod, opted out, not a CREATE, bound to a node, or excluding every group itself: no patch. */
    SKIPPED,
    /** A Job pod naming a node group that is not configured: denied, the message names the configured groups. */
    REFUSED,
    /** The request itself was bad: answered 400, 413 or 415. */
    ERROR;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
