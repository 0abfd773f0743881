package io.joblane.scaler.kube;

import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;

/**
 * Which DaemonSets put a pod on a node of a group. A DaemonSet lands
 * when its nodeSelector and required node affinity match the node's labels and it tolerates every NoSchedule and
 * NoExecute taint of the node. Terms that use {@code matchFields} (node names) never match a future node, so they
 * count as not matching. Pure; called once per group each scan.
 */
public final class DaemonSetPlacement {
    private DaemonSetPlacement() {}

    public static boolean landsOn(PodSpec spec, Map<String, String> nodeLabels, List<Taint> nodeTaints) {
        return selectorMatches(spec.getNodeSelector(), nodeLabels)
                && affinityMatches(spec, nodeLabels)
                && tolerates(spec.getTolerations(), nodeTaints);
    }

    static boolean selectorMatches(Map<String, String> selector, Map<String, String> labels) {
        if (selector == null) {
            return true;
        }
        return selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    static boolean affinityMatches(PodSpec spec, Map<String, String> labels) {
        if (spec.getAffinity() == null
                || spec.getAffinity().getNodeAffinity() == null
                || spec.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null) {
            return true;
        }
        List<NodeSelectorTerm> terms = spec.getAffinity()
                .getNodeAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms();
        if (terms == null || terms.isEmpty()) {
            return true;
        }
        // Terms are ORed; the requirements inside one term are ANDed.
        return terms.stream().anyMatch(t -> termMatches(t, labels));
    }

    private static boolean termMatches(NodeSelectorTerm term, Map<String, String> labels) {
        if (term.getMatchFields() != null && !term.getMatchFields().isEmpty()) {
            return false;
        }
        List<NodeSelectorRequirement> exprs = term.getMatchExpressions();
        if (exprs == null || exprs.isEmpty()) {
            return false; // an empty term matches no object
        }
        return exprs.stream().allMatch(r -> requirementMatches(r, labels));
    }

    static boolean requirementMatches(NodeSelectorRequirement r, Map<String, String> labels) {
        String value = labels.get(r.getKey());
        List<String> values = r.getValues() == null ? List.of() : r.getValues();
        switch (r.getOperator()) {
            case "In":
                return value != null && values.contains(value);
            case "NotIn":
                return value == null || !values.contains(value);
            case "Exists":
                return value != null;
            case "DoesNotExist":
                return value == null;
            case "Gt":
            case "Lt":
                if (value == null || values.size() != 1) {
                    return false;
                }
                try {
                    long actual = Long.parseLong(value);
                    long bound = Long.parseLong(values.get(0));
                    return "Gt".equals(r.getOperator()) ? actual > bound : actual < bound;
                } catch (NumberFormatException e) {
                    return false;
                }
            default:
                return false;
        }
    }

    /** True when every taint that keeps pods off (NoSchedule, NoExecute) is tolerated. */
    static boolean tolerates(List<Toleration> tolerations, List<Taint> taints) {
        List<Toleration> tols = tolerations == null ? List.of() : tolerations;
        for (Taint taint : taints) {
            if ("PreferNoSchedule".equals(taint.getEffect())) {
                continue;
            }
            if (tols.stream().noneMatch(t -> toleratesOne(t, taint))) {
                return false;
            }
        }
        return true;
    }

    static boolean toleratesOne(Toleration t, Taint taint) {
        if (t.getEffect() != null && !t.getEffect().isEmpty() && !t.getEffect().equals(taint.getEffect())) {
            return false;
        }
        String key = t.getKey() == null ? "" : t.getKey();
        boolean exists = "Exists".equals(t.getOperator());
        if (key.isEmpty()) {
            return exists; // an empty key with Exists tolerates everything
        }
        if (!key.equals(taint.getKey())) {
            return false;
        }
        if (exists) {
            return true;
        }
        String want = t.getValue() == null ? "" : t.getValue();
        String have = taint.getValue() == null ? "" : taint.getValue();
        return want.equals(have);
    }
}
