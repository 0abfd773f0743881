package io.joblane.scaler.plan;

import io.joblane.model.WellKnown;
import io.joblane.model.config.Taint;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * kube-scheduler's TaintToleration filter on an existing node's own taints: a waiting pod may go to the node only if
 * it tolerates each of its {@code NoSchedule} and {@code NoExecute} taints ({@code PreferNoSchedule} only scores).
 * Taints the planner models otherwise are left out: the group's own (the webhook tolerates them), Joblane's draining
 * taint (the drain state), Kubernetes' node-condition taints (readiness, the cordon, pressure), and startup taints,
 * which go away by themselves once the node is set up (cluster-autoscaler's prefixes). Pure; called by
 * {@link BinTaints} once per bin of a pass that may meet such a taint, and by the index once per new or changed node.
 */
final class NodeTaints {
    private static final Set<String> EFFECTS_THAT_FILTER = Set.of("NoSchedule", "NoExecute");

    /**
     * Keys (or prefixes) of taints that say how far a node is from ready, not who may use it: the node-condition
     * taints and the external cloud provider's until it has initialised the node, as cluster-autoscaler lists them
     * ({@code NodeConditionTaints} in {@code utils/taints/taints.go}), and its startup and ignored taint prefixes.
     */
    private static final List<String> TRANSIENT_PREFIXES = List.of(
            WellKnown.NODE_CONDITION_TAINT_PREFIX,
            "node.cloudprovider.kubernetes.io/",
            "startup-taint.cluster-autoscaler.kubernetes.io/",
            "ignore-taint.cluster-autoscaler.kubernetes.io/",
            "status-taint.cluster-autoscaler.kubernetes.io/");

    private NodeTaints() {}

    /**
     * The node's taints that keep off every pod not tolerating them, beyond what the planner models otherwise; empty
     * for nearly every node. {@code ownKeys}: the keys of the group's own taints.
     */
    static List<Taint> filtering(NodeInfo node, Set<String> ownKeys) {
        List<Taint> out = null;
        for (Taint t : node.taints()) {
            if (filters(t, ownKeys)) {
                out = out == null ? new ArrayList<>(2) : out;
                out.add(t);
            }
        }
        return out == null ? List.of() : out;
    }

    private static boolean filters(Taint t, Set<String> ownKeys) {
        String key = t.key() == null ? "" : t.key();
        if (!EFFECTS_THAT_FILTER.contains(t.effect())
                || ownKeys.contains(key)
                || WellKnown.DRAINING_TAINT.equals(key)) {
            return false;
        }
        for (String prefix : TRANSIENT_PREFIXES) {
            if (key.startsWith(prefix)) {
                return false;
            }
        }
        return true;
    }

    /** The first of {@code taints} the pod does not tolerate, null when it tolerates them all. */
    static Taint untolerated(List<Taint> taints, PodConstraints pod) {
        for (Taint t : taints) {
            if (!pod.tolerates(t)) {
                return t;
            }
        }
        return null;
    }
}
