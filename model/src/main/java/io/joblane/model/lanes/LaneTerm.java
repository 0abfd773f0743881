package io.joblane.model.lanes;

import java.util.List;
import java.util.Optional;

/**
 * The lane a Job pod is steered to: PREFERRED node affinity terms on the {@code joblane.io/lane-end} label (a node's
 * latest expected Job end, minutes since the epoch) graded around the pod's own expected end E, decided when the pod
 * is created from what is known then. A node whose lane ends soonest after the pod scores highest, as the clairvoyant
 * reference places a pod where it adds the least node time: the pod adds nothing to a node that outlives it and keeps
 * the nodes that run much longer for the pods that do. Pure; the webhook renders the terms into the pod, the simulator
 * gives them to its pods and scores them as kube-scheduler does, so both steer alike.
 *
 * <p>With the margin m (a share of the pod's expected run time, at least a minute), the terms, each matching a range
 * of the label L, and their sums:
 *
 * <ul>
 *   <li>{@code Gt E-m-1} ({@link #NEAR_WEIGHT}): L ≥ E−m, the pod extends the node by at most m;
 *   <li>{@code Gt E-1} ({@link #WEIGHT}): L ≥ E, the node outlives the pod (the minute is the label's unit, so a lane
 *       ending in the pod's own minute counts);
 *   <li>{@code Gt E-1, Lt E+m+1} ({@link #SOON_WEIGHT}): E ≤ L ≤ E+m, the node ends soon after the pod.
 * </ul>
 *
 * So L in [E, E+m] scores all three, L beyond E+m the first two, L in [E−m, E) the first, an earlier lane or none 0.
 *
 * @see <a href="https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#node-affinity">node affinity
 *      (Gt and Lt take an integer label value; the expressions of a term are ANDed; preferred terms add their weight
 *      to the score of the nodes they match)</a>
 */
public record LaneTerm(long endMinutes, long runMinutes, RunTimePredictor.Source source) {
    /**
     * The weight of the term "the node outlives the pod". kube-scheduler normalises the sum of the matched weights over
     * the feasible nodes, so only the three weights' ratios order nodes; their sum, 50, lets a pod's own preferred
     * terms of higher weight (the on-demand term's 100) win over its whole lane.
     */
    public static final int WEIGHT = 25;

    /** The weight of the term "the node's lane ends within the margin after the pod". */
    public static final int SOON_WEIGHT = 15;

    /** The weight of the term "the pod extends the node's lane by at most the margin". */
    public static final int NEAR_WEIGHT = 10;

    /** The margin as a share of the pod's expected run time, in percent (at least a minute). */
    static final int MARGIN_PERCENT = 25;

    /** One preferred term: the label greater than {@code greaterThan} and, when bounded, less than {@code lessThan}. */
    public record Preference(int weight, long greaterThan, long lessThan) {
        /** {@code lessThan} of a term with no upper bound. */
        public static final long UNBOUNDED = Long.MAX_VALUE;

        public boolean bounded() {
            return lessThan != UNBOUNDED;
        }

        boolean matches(long label) {
            return label > greaterThan && label < lessThan;
        }
    }

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
                .map(p -> new LaneTerm(
                        RunTimePredictor.minutes(nowMillis + p.millis()),
                        Math.max(1, p.millis() / RunTimePredictor.MINUTE_MILLIS),
                        p.source()));
    }

    /** The margin in minutes: a share of the expected run time, at least one. */
    public long marginMinutes() {
        return Math.max(1, runMinutes * MARGIN_PERCENT / 100);
    }

    /** The preferred terms, in the order the webhook writes them. */
    public List<Preference> preferences() {
        long m = marginMinutes();
        return List.of(
                new Preference(NEAR_WEIGHT, endMinutes - m - 1, Preference.UNBOUNDED),
                new Preference(WEIGHT, endMinutes - 1, Preference.UNBOUNDED),
                new Preference(SOON_WEIGHT, endMinutes - 1, endMinutes + m + 1));
    }

    /**
     * The three terms as plain bounds ({@link #preferences()}'s, in its order), for a scheduler scoring thousands of
     * nodes for one pod: {@link Bounds#weightOn(long)} sums what {@link #weightOn(List, long)} sums over the list.
     */
    public Bounds bounds() {
        long m = marginMinutes();
        return new Bounds(endMinutes - m - 1, endMinutes - 1, endMinutes + m + 1);
    }

    /**
     * The terms' bounds: {@link #NEAR_WEIGHT} above {@code nearAbove}, {@link #WEIGHT} above {@code above}, and
     * {@link #SOON_WEIGHT} above {@code above} and below {@code soonBelow}; an unbounded term still asks for a label
     * below {@link Preference#UNBOUNDED}, as {@link Preference#matches} does.
     */
    public record Bounds(long nearAbove, long above, long soonBelow) {
        /** The summed weights of the terms a node labelled {@code label} matches. */
        public int weightOn(long label) {
            int sum = 0;
            if (label > nearAbove && label < Preference.UNBOUNDED) {
                sum += NEAR_WEIGHT;
            }
            if (label > above && label < Preference.UNBOUNDED) {
                sum += WEIGHT;
            }
            if (label > above && label < soonBelow) {
                sum += SOON_WEIGHT;
            }
            return sum;
        }
    }

    /**
     * The sum of the weights of the terms a node whose {@code joblane.io/lane-end} label is {@code laneEndLabel}
     * (null: none) matches, as NodeAffinity sums them before normalising: a node without the label, or with a value
     * that is not an integer, matches none.
     */
    public int weightOn(String laneEndLabel) {
        if (laneEndLabel == null) {
            return 0;
        }
        long label;
        try {
            label = Long.parseLong(laneEndLabel);
        } catch (NumberFormatException e) {
            return 0;
        }
        return weightOn(preferences(), label);
    }

    /**
     * The summed weights of {@code preferences} (a term's {@link #preferences()}) that a node labelled {@code label}
     * matches: for a scheduler scoring many nodes for one pod, which builds the terms once.
     */
    public static int weightOn(List<Preference> preferences, long label) {
        int sum = 0;
        for (Preference p : preferences) {
            if (p.matches(label)) {
                sum += p.weight();
            }
        }
        return sum;
    }
}
