package io.joblane.scaler.plan;

import io.joblane.model.WellKnown;
import io.joblane.model.config.Taint;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The taints of one planning pass's bins that a waiting pod must tolerate (kube-scheduler's TaintToleration filter):
 * each existing node's own ({@link NodeTaints}) and the template taints of each kind of new node beyond the group's
 * own ({@link NewNodeKind#foreignTaints}), which capacity on its way and the nodes of a member Auto Scaling group carry.
 * Pure; built once per pass by {@link ScaleOut}.
 */
final class BinTaints {
    private final List<NewNodeKind> kinds;
    /** Per existing bin, its node's own taints that filter; null while no node has one (nearly every group). */
    private final List<List<Taint>> nodeTaints;
    /** Every distinct one of {@link #nodeTaints}: a pod tolerating all of them may go to any node. */
    private final List<Taint> everyNodeTaint;

    private final boolean any;

    BinTaints(PassInput in, List<Bin> bins) {
        this.kinds = in.kinds();
        Set<String> ownKeys = new HashSet<>();
        in.spec().taints().forEach(t -> ownKeys.add(t.key()));
        List<List<Taint>> perBin = null;
        Set<Taint> distinct = new LinkedHashSet<>();
        // Every bin's node is one of the group's, and with the dedicated key among the group's own a node's filtering
        // taints are among those the index counted (the dedicated one aside): when none has one, none is read.
        boolean mayFilter = !ownKeys.contains(WellKnown.DEDICATED_TAINT)
                || in.index().taintsOnNodes(in.spec().name());
        int existing = mayFilter ? bins.size() : 0;
        for (int b = 0; b < existing; b++) {
            NodeInfo n = bins.get(b).node();
            if (n == null || n.taints().isEmpty()) {
                continue; // no taint to filter: most nodes, asked at every pass
            }
            List<Taint> own = NodeTaints.filtering(n, ownKeys);
            if (!own.isEmpty()) {
                perBin = perBin != null ? perBin : new ArrayList<>(Collections.nCopies(bins.size(), List.of()));
                perBin.set(b, own);
                distinct.addAll(own);
            }
        }
        this.nodeTaints = perBin;
        this.everyNodeTaint = List.copyOf(distinct);
        this.any = !everyNodeTaint.isEmpty()
                || kinds.stream().anyMatch(k -> !k.foreignTaints().isEmpty());
    }

    /** Whether some bin carries taints beyond the group's own: only then are pods checked against them. */
    boolean any() {
        return any;
    }

    /** Whether the pod tolerates every kind's foreign taints and every node's own, so any bin may take it. */
    boolean toleratedEverywhere(PodInfo pod) {
        for (NewNodeKind k : kinds) {
            if (k.untolerated(pod.constraints()) != null) {
                return false;
            }
        }
        return NodeTaints.untolerated(everyNodeTaint, pod.constraints()) == null;
    }

    /**
     * Whether the pod tolerates the taints of existing bin {@code bin} (-1 for a new one) of kind {@code kind} (-1: a
     * node of no known member Auto Scaling group, whose template taints are not known).
     */
    boolean tolerated(int bin, int kind, PodInfo pod) {
        if (!any) {
            return true;
        }
        if (bin >= 0 && nodeTaints != null && NodeTaints.untolerated(nodeTaints.get(bin), pod.constraints()) != null) {
            return false;
        }
        return kind < 0 || kinds.get(kind).untolerated(pod.constraints()) == null;
    }
}
