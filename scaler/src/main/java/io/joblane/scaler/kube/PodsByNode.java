package io.joblane.scaler.kube;

import io.joblane.scaler.plan.ClusterSnapshot;
import io.joblane.scaler.plan.DaemonSetInfo;
import io.joblane.scaler.plan.NodeInfo;
import io.joblane.scaler.plan.NodePods;
import io.joblane.scaler.plan.PodInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Hands a scan's pods node by node ({@link ClusterSnapshot#podsOfNodes}): a node keeps last scan's {@link NodePods}
 * while its pods are the very same translations in the same order ({@link ModelTranslator} reuses a pod's translation
 * while its resourceVersion is unchanged; the keeping is {@link KeptByNode}'s), so the planner keeps what it derived
 * from them and a scan's work follows the nodes whose pods changed. Pure; one instance per adapter, called from the loop
 * thread.
 */
final class PodsByNode {
    private final KeptByNode<PodInfo, NodePods> byNode = new KeptByNode<>(NodePods::new);

    /** The snapshot with the pods bound to {@code nodes} handed per node and every other pod in its flat list. */
    ClusterSnapshot snapshot(
            Instant takenAt, List<NodeInfo> nodes, List<PodInfo> pods, List<DaemonSetInfo> daemonSets) {
        List<PodInfo> others = new ArrayList<>();
        List<List<PodInfo>> podsOfNodes = byNode.group(nodes, NodeInfo::name, pods, PodInfo::nodeName, others);
        return new ClusterSnapshot(takenAt, nodes, others, daemonSets, podsOfNodes);
    }
}
