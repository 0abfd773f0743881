package io.joblane.scaler.plan;

import java.util.List;
import java.util.Map;

/**
 * What decides which node can take a pod besides its requests and the group label: its nodeSelector, its required
 * node affinity and the node affinity of its bound PersistentVolumes (all ANDed), its required pod anti-affinity and
 * its topology spread constraints that refuse to schedule ({@code whenUnsatisfiable: DoNotSchedule}), and its
 * tolerations beyond the group's own taints (weighed against the taints of a member Auto Scaling group's node
 * template, {@link NewNodeKind#untolerated}). Built by the Kubernetes adapter; {@link NodeFit} and {@link Topology}
 * evaluate it. {@link #NONE} for nearly every pod, so the common case costs one reference comparison. Immutable.
 *
 * @param nodeSelector the pod's nodeSelector without the group label
 * @param nodeTerms    ANDed: each holds terms of which one must match (the pod's node affinity, each zonal volume's)
 * @param antiAffinity no pod matching one of these may be in the same topology domain
 * @param spread       topology spread constraints with {@code DoNotSchedule}
 * @param tolerations  its tolerations, without those of the group's own taints and of Kubernetes' node-condition
 *                     taints ({@code node.kubernetes.io/...}), which the planner models itself
 */
public record PodConstraints(
        Map<String, String> nodeSelector,
        List<NodeTerms> nodeTerms,
        List<TopologyTerm> antiAffinity,
        List<SpreadRule> spread,
        List<Toleration> tolerations) {

    public static final PodConstraints NONE = new PodConstraints(Map.of(), List.of(), List.of(), List.of());

    public PodConstraints {
        nodeSelector = nodeSelector == null ? Map.of() : Map.copyOf(nodeSelector);
        nodeTerms = nodeTerms == null ? List.of() : List.copyOf(nodeTerms);
        antiAffinity = antiAffinity == null ? List.of() : List.copyOf(antiAffinity);
        spread = spread == null ? List.of() : List.copyOf(spread);
        tolerations = tolerations == null ? List.of() : List.copyOf(tolerations);
    }

    /** Without tolerations. */
    public PodConstraints(
            Map<String, String> nodeSelector,
            List<NodeTerms> nodeTerms,
            List<TopologyTerm> antiAffinity,
            List<SpreadRule> spread) {
        this(nodeSelector, nodeTerms, antiAffinity, spread, List.of());
    }

    /** {@link #NONE} when every part is empty, else a new instance. */
    public static PodConstraints of(
            Map<String, String> nodeSelector,
            List<NodeTerms> nodeTerms,
            List<TopologyTerm> antiAffinity,
            List<SpreadRule> spread) {
        return of(nodeSelector, nodeTerms, antiAffinity, spread, List.of());
    }

    /** {@link #NONE} when every part is empty, else a new instance. */
    public static PodConstraints of(
            Map<String, String> nodeSelector,
            List<NodeTerms> nodeTerms,
            List<TopologyTerm> antiAffinity,
            List<SpreadRule> spread,
            List<Toleration> tolerations) {
        PodConstraints c = new PodConstraints(nodeSelector, nodeTerms, antiAffinity, spread, tolerations);
        return c.isNone() ? NONE : c;
    }

    /** Only tolerations: a pod that may go to nodes with these taints and has no other constraint. */
    public static PodConstraints tolerating(List<Toleration> tolerations) {
        return of(Map.of(), List.of(), List.of(), List.of(), tolerations);
    }

    public boolean isNone() {
        return nodeSelector.isEmpty()
                && nodeTerms.isEmpty()
                && antiAffinity.isEmpty()
                && spread.isEmpty()
                && tolerations.isEmpty();
    }

    /** Whether some toleration tolerates {@code taint} (kube-scheduler's TaintToleration rule). */
    public boolean tolerates(io.joblane.model.config.Taint taint) {
        for (Toleration t : tolerations) {
            if (t.tolerates(taint)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether any part names the zone label: only then does the zone of a new node matter to the pod (a new node for
     * a pod that does not care stays free to start in any zone, so similar per-zone groups stay balanced).
     */
    public boolean mentionsZone() {
        String zone = NodeFit.ZONE;
        if (nodeSelector.containsKey(zone)) {
            return true;
        }
        for (NodeTerms t : nodeTerms) {
            for (List<LabelRequirement> term : t.terms()) {
                if (term.stream().anyMatch(r -> zone.equals(r.key()))) {
                    return true;
                }
            }
        }
        return antiAffinity.stream().anyMatch(a -> zone.equals(a.topologyKey()))
                || spread.stream().anyMatch(r -> zone.equals(r.topologyKey()));
    }

    /** Whether the pod's placement depends on the pods around it (anti-affinity, spread). */
    public boolean topological() {
        return !antiAffinity.isEmpty() || !spread.isEmpty();
    }

    /**
     * Node selector terms of one source, of which at least one must match (the requirements inside one term are
     * ANDed).
     *
     * @param source what imposes them, for messages: "node affinity", "volume pvc-1 (PersistentVolume pv-1)"
     */
    public record NodeTerms(String source, List<List<LabelRequirement>> terms) {
        public NodeTerms {
            terms = terms.stream().map(List::copyOf).toList();
        }

        @Override
        public String toString() {
            return source + " " + terms;
        }
    }

    /** A required pod anti-affinity term: no pod of the same namespace matching {@code selector} in the domain. */
    public record TopologyTerm(String topologyKey, PodSelector selector) {}

    /** A topology spread constraint: the domain's matching pods, plus this one, at most {@code maxSkew} above the min. */
    public record SpreadRule(String topologyKey, int maxSkew, PodSelector selector) {}
}
