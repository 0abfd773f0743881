package io.joblane.scaler.kube;

import io.joblane.scaler.plan.ClusterSnapshot;
import io.joblane.scaler.plan.DaemonSetInfo;
import io.joblane.scaler.plan.NodeInfo;
import io.joblane.scaler.plan.NodePods;
import io.joblane.scaler.plan.PodInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Hands a scan's pods node by node ({@link ClusterSnapshot#podsOfNodes}): a node keeps last scan's {@link NodePods}
 * while its pods are the very same translations in the same order ({@link ModelTranslator} reuses a pod's translation
 * while its resourceVersion is unchanged), so the planner keeps what it derived from them and a scan's work follows the
 * nodes whose pods changed. Pure; one instance per adapter, called from the loop thread.
 */
final class PodsByNode {
    private Map<String, NodePods> last = Map.of();

    /** The snapshot with the pods bound to {@code nodes} handed per node and every other pod in its flat list. */
    ClusterSnapshot snapshot(
            Instant takenAt, List<NodeInfo> nodes, List<PodInfo> pods, List<DaemonSetInfo> daemonSets) {
        Map<String, Integer> position = new HashMap<>(nodes.size() * 4 / 3 + 1);
        for (int i = 0; i < nodes.size(); i++) {
            position.put(nodes.get(i).name(), i);
        }
        List<List<PodInfo>> bound = new ArrayList<>(nodes.size());
        for (int i = 0; i < nodes.size(); i++) {
            bound.add(null);
        }
        List<PodInfo> others = new ArrayList<>();
        for (PodInfo pod : pods) {
            Integer at = pod.nodeName() == null ? null : position.get(pod.nodeName());
            if (at == null) {
                others.add(pod);
                continue;
            }
            List<PodInfo> onNode = bound.get(at);
            if (onNode == null) {
                onNode = new ArrayList<>(4);
                bound.set(at, onNode);
            }
            onNode.add(pod);
        }
        Map<String, NodePods> kept = new HashMap<>(nodes.size() * 4 / 3 + 1);
        List<List<PodInfo>> podsOfNodes = new ArrayList<>(nodes.size());
        for (int i = 0; i < nodes.size(); i++) {
            List<PodInfo> onNode = bound.get(i);
            if (onNode == null) {
                podsOfNodes.add(List.of());
                continue;
            }
            String name = nodes.get(i).name();
            NodePods before = last.get(name);
            NodePods handed = sameObjects(before, onNode) ? before : new NodePods(onNode);
            kept.put(name, handed);
            podsOfNodes.add(handed);
        }
        last = kept;
        return new ClusterSnapshot(takenAt, nodes, others, daemonSets, podsOfNodes);
    }

    private static boolean sameObjects(List<PodInfo> before, List<PodInfo> now) {
        if (before == null || before.size() != now.size()) {
            return false;
        }
        for (int i = 0; i < now.size(); i++) {
            if (before.get(i) != now.get(i)) {
                return false;
            }
        }
        return true;
    }
}
