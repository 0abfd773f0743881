package io.joblane.model.lanes;

import java.util.Optional;

/**
 * The lane a Job pod is steered to: the PREFERRED node affinity term {@code joblane.io/lane-end Gt <endMinutes>} of
 * weight {@link #WEIGHT}, decided when the pod is created from what is known then (its expected end, minutes since the
 * epoch). Pure; the webhook renders it into the pod, the simulator gives it to its pods and scores it as kube-scheduler
 * does, so both steer alike.
 *
 * @see <a href="https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#node-affinity">node affinity
 *      (Gt takes an integer label value; preferred terms add their weight to the score of the nodes they match)</a>
 */
public record LaneTerm(long endMinutes, RunTimePredictor.Source source) {
    /**
     * The term's weight (1–100). kube-scheduler adds the weights of the preferred terms a node matches and normalises
     * the sum over the nodes, so alone any weight orders nodes alike; 50 lets a pod's own preferred terms of higher
     * weight win over its lane.
     */
    public static final int WEIGHT = 50;

    /** The node selector operator of the term: the node's label, an integer, must be greater than the value. */
    public static final String OPERATOR = "Gt";

    /**
     * The term for a pod created at {@code nowMillis}, or empty when its run time cannot be predicted.
     *
     * @param expectedDuration the {@code joblane.io/expected-duration} annotation's text, or null
     * @param history          the family's published run times, or null
     * @param deadlineMillis   the pod's {@code activeDeadlineSeconds} in milliseconds, 0 or less when none
     */
    public static Optional<LaneTerm> decide(
            String expectedDuration, RunTimes history, long deadlineMillis, long nowMillis) {
        return RunTimePredictor.predict(expectedDuration, history, deadlineMillis)
                .map(p -> new LaneTerm(RunTimePredictor.minutes(nowMillis + p.millis()), p.source()));
    }

    /**
     * Whether a node whose {@code joblane.io/lane-end} label is {@code laneEndLabel} (null: none) matches: {@code Gt}
     * matches a label that parses as an integer greater than the term's value; a node without the label, or with a
     * value that is not an integer, does not match.
     */
    public boolean matches(String laneEndLabel) {
        if (laneEndLabel == null) {
            return false;
        }
        try {
            return Long.parseLong(laneEndLabel) > endMinutes;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The term's value, the text of its single {@code values} entry. */
    public String value() {
        return Long.toString(endMinutes);
    }
}
