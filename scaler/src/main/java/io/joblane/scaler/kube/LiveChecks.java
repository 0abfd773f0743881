package io.joblane.scaler.kube;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.joblane.model.WellKnown;
import io.joblane.scaler.plan.NodeAnnotations;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The judgements of the live checks before a termination, on objects {@link KubeClusterAccess} has just read from the
 * API server: is this cordoned node still ours to terminate, could a node or a bound pod be running on this instance.
 * Pure: no client, no I/O. Each answer is a reason to hold off, or empty when there is none.
 */
final class LiveChecks {
    private LiveChecks() {}

    /**
     * Why the live node must not be terminated as the snapshot's cordoned node of {@code instanceId}; {@code live} is
     * null when the node is gone, {@code snapshotUid} the node's uid in the snapshot (null when it had none).
     */
    static Optional<String> whyNodeNotTerminable(Node live, String instanceId, String snapshotUid) {
        if (live == null) {
            return Optional.of("the node is gone");
        }
        if (live.getSpec() == null || !Boolean.TRUE.equals(live.getSpec().getUnschedulable())) {
            return Optional.of("the node is no longer cordoned");
        }
        Map<String, String> ann = live.getMetadata().getAnnotations();
        if (ann == null || !ann.containsKey(NodeAnnotations.CORDONED_AT)) {
            return Optional.of("the node's cordon is no longer Joblane's");
        }
        if ("true".equals(ann.get(WellKnown.SCALE_DOWN_DISABLED_ANNOTATION))) {
            return Optional.of("scale-down was disabled on it (" + WellKnown.SCALE_DOWN_DISABLED_ANNOTATION + ")");
        }
        if (!instanceId.equals(ModelTranslator.instanceIdOf(live))) {
            return Optional.of("the node's providerID no longer names instance " + instanceId);
        }
        String uid = Objects.requireNonNullElse(live.getMetadata().getUid(), "");
        if (!uid.equals(snapshotUid)) {
            return Optional.of("the node was re-created since the snapshot (uid " + uid + ")");
        }
        return Optional.empty();
    }

    /**
     * The first of the live nodes (any label: a node that lost its group label still runs on its instance) that runs
     * on the instance or, naming no instance in its providerID, could.
     */
    static Optional<String> nodeThatMayRun(String instanceId, List<Node> liveNodes) {
        for (Node n : liveNodes) {
            String name = n.getMetadata().getName();
            String id = ModelTranslator.instanceIdOf(n);
            if (instanceId.equals(id)) {
                return Optional.of("node " + name + " runs on it");
            }
            if (id == null) {
                String providerId = n.getSpec() == null ? null : n.getSpec().getProviderID();
                return Optional.of("node " + name + " has no usable spec.providerID ("
                        + (providerId == null || providerId.isEmpty() ? "empty" : "'" + providerId + "'")
                        + ") and could be this instance");
            }
        }
        return Optional.empty();
    }

    /** A pod that holds a node which has no Node object among {@code nodeNames}: that node could be any instance. */
    static Optional<String> boundToAMissingNode(Pod p, Set<String> nodeNames) {
        String node = p.getSpec() == null ? null : p.getSpec().getNodeName();
        if (node == null || node.isEmpty() || nodeNames.contains(node) || !holdsNode(p)) {
            return Optional.empty();
        }
        return Optional.of("pod " + p.getMetadata().getNamespace() + "/"
                + p.getMetadata().getName() + " is bound to node " + node + ", which has no Node object");
    }

    /** Pods that still hold the node: everything bound except pods that finished (Succeeded or Failed). */
    static boolean holdsNode(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return !"Succeeded".equals(phase) && !"Failed".equals(phase);
    }
}
