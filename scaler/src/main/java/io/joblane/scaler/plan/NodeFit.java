package io.joblane.scaler.plan;

import io.joblane.model.WellKnown;
import java.util.List;
import java.util.Map;

/**
 * The predicate on a node's labels: whether a pod's nodeSelector, required node affinity and bound volumes' node
 * affinity allow a node with these labels, as the scheduler's NodeAffinity and VolumeBinding filters decide. A new
 * node whose zone is not known yet (a multi-zone group without a chosen zone) passes every requirement on the zone
 * label: the zone is then chosen by {@link Topology}. Pure; called by the planner's constrained packing and tests.
 *
 * @see <a href="https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/">Assigning pods to nodes</a>
 * @see <a href="https://kubernetes.io/docs/concepts/storage/persistent-volumes/#node-affinity">PV node affinity</a>
 */
public final class NodeFit {
    public static final String ZONE = WellKnown.ZONE_LABEL;

    private NodeFit() {}

    /** Whether a node with {@code labels} satisfies the pod's selector and every node-terms source. */
    public static boolean labelsMatch(PodConstraints c, Map<String, String> labels) {
        return labelsMatch(c, labels, false);
    }

    /**
     * As {@link #labelsMatch(PodConstraints, Map)}; with {@code zoneUnknown}, requirements on the zone label count as
     * met (the node's zone is yet to be chosen).
     */
    public static boolean labelsMatch(PodConstraints c, Map<String, String> labels, boolean zoneUnknown) {
        return unmet(c, labels, zoneUnknown) == null;
    }

    /** The first constraint a node with {@code labels} does not meet, for messages; null when it meets all. */
    public static String unmet(PodConstraints c, Map<String, String> labels, boolean zoneUnknown) {
        for (Map.Entry<String, String> e : c.nodeSelector().entrySet()) {
            boolean skip = zoneUnknown && ZONE.equals(e.getKey());
            if (!skip && !e.getValue().equals(labels.get(e.getKey()))) {
                return "nodeSelector " + e.getKey() + "=" + e.getValue();
            }
        }
        for (PodConstraints.NodeTerms t : c.nodeTerms()) {
            if (!anyTermMatches(t.terms(), labels, zoneUnknown)) {
                return t.toString();
            }
        }
        return null;
    }

    /** Terms are ORed; an empty term matches nothing, as in the API. */
    private static boolean anyTermMatches(
            List<List<LabelRequirement>> terms, Map<String, String> labels, boolean zoneUnknown) {
        for (List<LabelRequirement> term : terms) {
            if (!term.isEmpty() && termMatches(term, labels, zoneUnknown)) {
                return true;
            }
        }
        return false;
    }

    private static boolean termMatches(List<LabelRequirement> term, Map<String, String> labels, boolean zoneUnknown) {
        for (LabelRequirement r : term) {
            if (!(zoneUnknown && ZONE.equals(r.key())) && !r.matches(labels)) {
                return false;
            }
        }
        return true;
    }
}
