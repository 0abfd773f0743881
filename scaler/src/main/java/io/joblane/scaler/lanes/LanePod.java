package io.joblane.scaler.lanes;

/**
 * A group Job pod as lanes sees it, read from the informer cache: where it runs, what predicts its run time (its
 * family, its {@code joblane.io/expected-duration} annotation, its deadline) and, once it has succeeded, when it
 * started and when its last container terminated. Times in epoch milliseconds.
 *
 * @param node           the node it is bound to, or null
 * @param bound          bound and not finished: it holds its node until it ends
 * @param startMillis    the pod's start time ({@code status.startTime}), or -1 before it has one
 * @param finishedMillis the latest container termination of a Succeeded pod, else -1
 */
public record LanePod(
        String uid,
        String node,
        String family,
        String expectedDuration,
        long deadlineMillis,
        boolean bound,
        long startMillis,
        long finishedMillis) {

    /** A run the family history may learn: it succeeded, with a start and an end in order. */
    public boolean finishedRun() {
        return finishedMillis >= 0 && startMillis >= 0 && finishedMillis >= startMillis && family != null;
    }
}
