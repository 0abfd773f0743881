package io.joblane.scaler.kube;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.Volume;
import io.joblane.model.WellKnown;
import io.joblane.scaler.plan.LabelRequirement;
import io.joblane.scaler.plan.PodConstraints;
import io.joblane.scaler.plan.PodSelector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads a pod's placement constraints ({@link PodConstraints}) from its fabric8 spec and the PersistentVolumes its
 * claims are bound to. Leaves out what Joblane itself adds or models: the group label in the nodeSelector or node
 * affinity, and the webhook's draining fence ({@code joblane.io/draining DoesNotExist}, the planner knows draining
 * nodes). Anti-affinity terms naming other namespaces are not modelled. Pure; {@link ModelTranslator} and
 * {@link Lean} call it.
 */
final class PodConstraintsReader {
    private static final String DO_NOT_SCHEDULE = "DoNotSchedule";
    private static final String NAME_FIELD = "metadata.name";

    private PodConstraintsReader() {}

    /** The constraints of a pod; {@code volumeTerms} gives a bound claim's volume node affinity by "ns/claim". */
    static PodConstraints read(
            PodSpec spec, String namespace, String group, Function<String, PodConstraints.NodeTerms> volumeTerms) {
        return read(spec, namespace, group, volumeTerms, Set.of());
    }

    /**
     * As above; tolerations of a taint key in {@code ownTaintKeys} (the groups' own taints, which the webhook
     * tolerates) are left out, as are those of Kubernetes' node-condition taints.
     */
    static PodConstraints read(
            PodSpec spec,
            String namespace,
            String group,
            Function<String, PodConstraints.NodeTerms> volumeTerms,
            Set<String> ownTaintKeys) {
        if (spec == null) {
            return PodConstraints.NONE;
        }
        List<PodConstraints.NodeTerms> nodeTerms = new ArrayList<>();
        PodConstraints.NodeTerms affinity = nodeAffinity(spec, group);
        if (affinity != null) {
            nodeTerms.add(affinity);
        }
        for (String claim : claims(spec)) {
            PodConstraints.NodeTerms v = volumeTerms.apply(namespace + "/" + claim);
            if (v != null) {
                nodeTerms.add(v);
            }
        }
        return PodConstraints.of(
                nodeSelector(spec),
                nodeTerms,
                antiAffinity(spec, namespace),
                spread(spec),
                tolerations(spec.getTolerations(), ownTaintKeys));
    }

    /**
     * The tolerations that can decide between the group's nodes: all but those of a key in {@code ownTaintKeys}, of
     * Joblane's own draining taint (fenced by a node label too), and of the {@code node.kubernetes.io/} condition
     * taints (not-ready, unreachable: added to every pod by the DefaultTolerationSeconds admission plugin; the planner
     * models readiness and cordons itself). An empty key with {@code Exists} (tolerate everything) is kept.
     */
    static List<io.joblane.scaler.plan.Toleration> tolerations(List<Toleration> all, Set<String> ownTaintKeys) {
        if (all == null || all.isEmpty()) {
            return List.of();
        }
        List<io.joblane.scaler.plan.Toleration> out = new ArrayList<>();
        for (Toleration t : all) {
            if (keepsToleration(t, ownTaintKeys)) {
                out.add(new io.joblane.scaler.plan.Toleration(
                        t.getKey(), t.getOperator(), t.getValue(), t.getEffect()));
            }
        }
        return out;
    }

    /** Whether {@link #tolerations} keeps {@code t}. */
    static boolean keepsToleration(Toleration t, Set<String> ownTaintKeys) {
        String key = t.getKey() == null ? "" : t.getKey();
        return !key.startsWith(WellKnown.NODE_CONDITION_TAINT_PREFIX)
                && !key.equals(WellKnown.DRAINING_TAINT)
                && !ownTaintKeys.contains(key);
    }

    /** Whether the spec holds something {@link #read} turns into a constraint (volumes aside): Lean keeps it then. */
    static boolean hasPlacementRules(PodSpec spec, String group) {
        return nodeAffinity(spec, group) != null
                || !antiAffinity(spec, null).isEmpty()
                || !spread(spec).isEmpty();
    }

    /** Whether the pod's labels count for others' anti-affinity or spread (its siblings usually carry the rules). */
    static boolean hasTopologyRules(PodSpec spec) {
        return !antiAffinity(spec, null).isEmpty() || !spread(spec).isEmpty();
    }

    /** Names of the PersistentVolumeClaims the pod mounts. */
    static List<String> claims(PodSpec spec) {
        List<String> out = new ArrayList<>();
        if (spec.getVolumes() != null) {
            for (Volume v : spec.getVolumes()) {
                if (claimName(v) != null) {
                    out.add(claimName(v));
                }
            }
        }
        return out;
    }

    /** Whether the pod mounts a PersistentVolumeClaim; as {@code !claims(spec).isEmpty()} without a list per pod. */
    static boolean hasClaims(PodSpec spec) {
        if (spec.getVolumes() != null) {
            for (Volume v : spec.getVolumes()) { // no stream: this runs for every cached pod at every scan
                if (claimName(v) != null) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String claimName(Volume v) {
        return v.getPersistentVolumeClaim() == null
                ? null
                : v.getPersistentVolumeClaim().getClaimName();
    }

    /** Per "ns/claim" of a bound claim whose volume has node affinity, those terms. */
    static Map<String, PodConstraints.NodeTerms> volumeTerms(
            List<PersistentVolumeClaim> claims, List<PersistentVolume> volumes) {
        Map<String, PersistentVolume> byName = new HashMap<>();
        for (PersistentVolume pv : volumes) {
            byName.put(pv.getMetadata().getName(), pv);
        }
        Map<String, PodConstraints.NodeTerms> out = new HashMap<>();
        for (PersistentVolumeClaim pvc : claims) {
            String volume = pvc.getSpec() == null ? null : pvc.getSpec().getVolumeName();
            PersistentVolume pv = volume == null ? null : byName.get(volume);
            NodeSelector required =
                    pv == null || pv.getSpec() == null || pv.getSpec().getNodeAffinity() == null
                            ? null
                            : pv.getSpec().getNodeAffinity().getRequired();
            if (required != null && required.getNodeSelectorTerms() != null) {
                String claim = pvc.getMetadata().getName();
                out.put(
                        pvc.getMetadata().getNamespace() + "/" + claim,
                        new PodConstraints.NodeTerms(
                                "volume " + claim + " (PersistentVolume " + volume + ")",
                                terms(required.getNodeSelectorTerms(), null)));
            }
        }
        return out;
    }

    private static Map<String, String> nodeSelector(PodSpec spec) {
        if (spec.getNodeSelector() == null || spec.getNodeSelector().isEmpty()) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>(spec.getNodeSelector());
        out.remove(WellKnown.NODE_GROUP_LABEL);
        return out;
    }

    /** The required node affinity without Joblane's own requirements; null when nothing else remains. */
    private static PodConstraints.NodeTerms nodeAffinity(PodSpec spec, String group) {
        if (spec.getAffinity() == null
                || spec.getAffinity().getNodeAffinity() == null
                || spec.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null) {
            return null;
        }
        List<NodeSelectorTerm> raw = spec.getAffinity()
                .getNodeAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms();
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        List<List<LabelRequirement>> terms = terms(raw, group);
        // A term left with nothing but Joblane's requirements matches every node of the group: no constraint.
        return terms.stream().anyMatch(List::isEmpty) ? null : new PodConstraints.NodeTerms("node affinity", terms);
    }

    /**
     * The terms as label requirements; {@code matchFields} on the node name become hostname requirements (equal on
     * EKS). With {@code group}, the fence and the group's own label are dropped (a term of only those becomes empty).
     */
    private static List<List<LabelRequirement>> terms(List<NodeSelectorTerm> raw, String group) {
        List<List<LabelRequirement>> out = new ArrayList<>();
        for (NodeSelectorTerm t : raw) {
            List<LabelRequirement> term = new ArrayList<>();
            boolean unmatchable = false;
            for (NodeSelectorRequirement r : orEmpty(t.getMatchExpressions())) {
                if (group != null && joblanes(r, group)) {
                    continue;
                }
                LabelRequirement req = requirement(r.getKey(), r.getOperator(), r.getValues());
                unmatchable |= req == null;
                if (req != null) {
                    term.add(req);
                }
            }
            for (NodeSelectorRequirement f : orEmpty(t.getMatchFields())) {
                LabelRequirement req = NAME_FIELD.equals(f.getKey())
                        ? requirement(WellKnown.HOSTNAME_LABEL, f.getOperator(), f.getValues())
                        : null;
                unmatchable |= req == null;
                if (req != null) {
                    term.add(req);
                }
            }
            if (unmatchable) {
                // An operator or field we do not know: the term matches no node, as the API server would reject it.
                term = List.of(new LabelRequirement(WellKnown.HOSTNAME_LABEL, LabelRequirement.Operator.IN, List.of()));
            }
            out.add(term);
        }
        return out;
    }

    private static boolean joblanes(NodeSelectorRequirement r, String group) {
        return WellKnown.DRAINING_LABEL.equals(r.getKey()) && "DoesNotExist".equals(r.getOperator())
                || WellKnown.NODE_GROUP_LABEL.equals(r.getKey())
                        && "In".equals(r.getOperator())
                        && r.getValues() != null
                        && r.getValues().equals(List.of(group));
    }

    private static LabelRequirement requirement(String key, String operator, List<String> values) {
        LabelRequirement.Operator op = LabelRequirement.Operator.parse(operator);
        return op == null ? null : new LabelRequirement(key, op, values);
    }

    /** Required anti-affinity terms of the pod's own namespace (with {@code namespace} null: any term counts). */
    private static List<PodConstraints.TopologyTerm> antiAffinity(PodSpec spec, String namespace) {
        if (spec.getAffinity() == null
                || spec.getAffinity().getPodAntiAffinity() == null
                || spec.getAffinity().getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
                        == null) {
            return List.of();
        }
        List<PodConstraints.TopologyTerm> out = new ArrayList<>();
        for (PodAffinityTerm t :
                spec.getAffinity().getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()) {
            boolean ownNamespace = t.getNamespaceSelector() == null
                    && (t.getNamespaces() == null
                            || t.getNamespaces().isEmpty()
                            || namespace == null
                            || t.getNamespaces().equals(List.of(namespace)));
            if (ownNamespace && t.getTopologyKey() != null && t.getLabelSelector() != null) {
                out.add(new PodConstraints.TopologyTerm(t.getTopologyKey(), selector(t.getLabelSelector())));
            }
        }
        return out;
    }

    private static List<PodConstraints.SpreadRule> spread(PodSpec spec) {
        if (spec.getTopologySpreadConstraints() == null) {
            return List.of();
        }
        List<PodConstraints.SpreadRule> out = new ArrayList<>();
        for (TopologySpreadConstraint c : spec.getTopologySpreadConstraints()) {
            if (DO_NOT_SCHEDULE.equals(c.getWhenUnsatisfiable())
                    && c.getTopologyKey() != null
                    && c.getMaxSkew() != null
                    && c.getLabelSelector() != null) {
                out.add(new PodConstraints.SpreadRule(
                        c.getTopologyKey(), c.getMaxSkew(), selector(c.getLabelSelector())));
            }
        }
        return out;
    }

    private static PodSelector selector(LabelSelector s) {
        List<LabelRequirement> expressions = new ArrayList<>();
        for (LabelSelectorRequirement r : orEmpty(s.getMatchExpressions())) {
            LabelRequirement req = requirement(r.getKey(), r.getOperator(), r.getValues());
            // An unknown operator selects nothing, as the API server would refuse it.
            expressions.add(
                    req != null ? req : new LabelRequirement(r.getKey(), LabelRequirement.Operator.IN, List.of()));
        }
        return new PodSelector(s.getMatchLabels(), expressions);
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
