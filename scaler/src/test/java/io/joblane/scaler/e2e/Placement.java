package io.joblane.scaler.e2e;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * The scheduler's filters the end-to-end world needs, written from the Kubernetes documentation, independent of
 * the scaler's own code: node Ready; {@code nodeSelector}; required node affinity
 * (https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#node-affinity, terms ORed, expressions
 * ANDed); {@code NoSchedule}/{@code NoExecute} taints tolerated
 * (https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/, an empty key with {@code Exists}
 * tolerates everything); a cordoned node only for pods tolerating {@code node.kubernetes.io/unschedulable}
 * (the NodeUnschedulable plugin); cpu, memory and pod count within allocatable.
 */
final class Placement {

    static final String UNSCHEDULABLE_TAINT = "node.kubernetes.io/unschedulable";

    private Placement() {}

    /** What is already placed on a node: cpu in millicores, memory in bytes, pods. */
    record Used(long cpuMillis, long memoryBytes, int pods) {
        static final Used NONE = new Used(0, 0, 0);

        Used plus(Pod pod) {
            return new Used(cpuMillis + Placement.cpuMillis(pod), memoryBytes + Placement.memoryBytes(pod), pods + 1);
        }

        Used plus(Used other) {
            return new Used(cpuMillis + other.cpuMillis, memoryBytes + other.memoryBytes, pods + other.pods);
        }
    }

    static boolean ready(Node node) {
        return node.getStatus() != null
                && node.getStatus().getConditions() != null
                && node.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    static boolean cordoned(Node node) {
        return Boolean.TRUE.equals(node.getSpec().getUnschedulable());
    }

    /** Whether the scheduler may bind {@code pod} to {@code node} with {@code used} already there. */
    static boolean feasible(Pod pod, Node node, Used used) {
        if (!ready(node) || node.getMetadata().getDeletionTimestamp() != null) {
            return false;
        }
        Map<String, String> labels = node.getMetadata().getLabels() == null
                ? Map.of()
                : node.getMetadata().getLabels();
        Map<String, String> selector = pod.getSpec().getNodeSelector();
        if (selector != null
                && !selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())))) {
            return false;
        }
        if (!requiredAffinityMatches(pod, labels)) {
            return false;
        }
        List<Toleration> tolerations = pod.getSpec().getTolerations() == null
                ? List.of()
                : pod.getSpec().getTolerations();
        List<Taint> taints =
                node.getSpec().getTaints() == null ? List.of() : node.getSpec().getTaints();
        for (Taint taint : taints) {
            boolean hard = "NoSchedule".equals(taint.getEffect()) || "NoExecute".equals(taint.getEffect());
            if (hard && tolerations.stream().noneMatch(t -> tolerates(t, taint))) {
                return false;
            }
        }
        if (cordoned(node)
                && tolerations.stream()
                        .noneMatch(t -> tolerates(t, new Taint("NoSchedule", UNSCHEDULABLE_TAINT, null, null)))) {
            return false;
        }
        Map<String, Quantity> allocatable = node.getStatus().getAllocatable();
        return used.cpuMillis() + cpuMillis(pod) <= millis(allocatable.get("cpu"))
                && used.memoryBytes() + memoryBytes(pod) <= bytes(allocatable.get("memory"))
                && used.pods() + 1 <= bytes(allocatable.get("pods"));
    }

    /** PreferNoSchedule taints the pod does not tolerate: the TaintToleration score, fewer is better. */
    static int intolerablePreferNoSchedule(Pod pod, Node node) {
        List<Toleration> tolerations = pod.getSpec().getTolerations() == null
                ? List.of()
                : pod.getSpec().getTolerations();
        List<Taint> taints =
                node.getSpec().getTaints() == null ? List.of() : node.getSpec().getTaints();
        return (int) taints.stream()
                .filter(t -> "PreferNoSchedule".equals(t.getEffect()))
                .filter(t -> tolerations.stream().noneMatch(tol -> tolerates(tol, t)))
                .count();
    }

    /** Share of the node's cpu left free after placing the pod: the default LeastAllocated score, more is better. */
    static double freeCpuShareAfter(Pod pod, Node node, Used used) {
        long allocatable = millis(node.getStatus().getAllocatable().get("cpu"));
        return allocatable == 0 ? 0 : (double) (allocatable - used.cpuMillis() - cpuMillis(pod)) / allocatable;
    }

    static boolean tolerates(Toleration t, Taint taint) {
        if (t.getEffect() != null && !t.getEffect().isEmpty() && !t.getEffect().equals(taint.getEffect())) {
            return false;
        }
        if ("Exists".equals(t.getOperator())) {
            return t.getKey() == null || t.getKey().isEmpty() || t.getKey().equals(taint.getKey());
        }
        String value = taint.getValue() == null ? "" : taint.getValue();
        return taint.getKey().equals(t.getKey()) && value.equals(t.getValue() == null ? "" : t.getValue());
    }

    private static boolean requiredAffinityMatches(Pod pod, Map<String, String> labels) {
        var affinity = pod.getSpec().getAffinity();
        if (affinity == null
                || affinity.getNodeAffinity() == null
                || affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null) {
            return true;
        }
        List<NodeSelectorTerm> terms = affinity.getNodeAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms();
        return terms.stream()
                .anyMatch(term -> term.getMatchExpressions() != null
                        && term.getMatchExpressions().stream().allMatch(r -> matches(r, labels)));
    }

    private static boolean matches(NodeSelectorRequirement r, Map<String, String> labels) {
        String value = labels.get(r.getKey());
        List<String> values = r.getValues() == null ? List.of() : r.getValues();
        return switch (r.getOperator()) {
            case "In" -> value != null && values.contains(value);
            case "NotIn" -> value == null || !values.contains(value);
            case "Exists" -> value != null;
            case "DoesNotExist" -> value == null;
            case "Gt" -> value != null && Long.parseLong(value) > Long.parseLong(values.get(0));
            case "Lt" -> value != null && Long.parseLong(value) < Long.parseLong(values.get(0));
            default -> false;
        };
    }

    static long cpuMillis(Pod pod) {
        long sum = 0;
        for (Container c : pod.getSpec().getContainers()) {
            if (c.getResources() != null && c.getResources().getRequests() != null) {
                sum += millis(c.getResources().getRequests().get("cpu"));
            }
        }
        return sum;
    }

    static long memoryBytes(Pod pod) {
        long sum = 0;
        for (Container c : pod.getSpec().getContainers()) {
            if (c.getResources() != null && c.getResources().getRequests() != null) {
                sum += bytes(c.getResources().getRequests().get("memory"));
            }
        }
        return sum;
    }

    private static long millis(Quantity q) {
        return q == null
                ? 0
                : Quantity.getAmountInBytes(q)
                        .multiply(BigDecimal.valueOf(1000))
                        .longValue();
    }

    private static long bytes(Quantity q) {
        return q == null ? 0 : Quantity.getAmountInBytes(q).longValue();
    }
}
