package io.joblane.scaler.plan;

import java.time.Instant;
import java.util.List;

/**
 * The cluster as one scan sees it: the groups' nodes, the pods of the groups (and any other pods known to be bound
 * to those nodes), and the DaemonSets. Built by {@code ClusterAccess.snapshot()} from informer caches; lists are
 * not copied (callers hand over ownership), so a 50,000-pod snapshot costs no extra copy.
 *
 * @param podsOfNodes null, or, beside {@code nodes} one for one, the pods bound to each node, {@code pods} then holding
 *                    only the others (waiting ones, those of nodes not listed). An adapter that keeps a node's list
 *                    object while none of its pods changes, and hands a new one when one does, lets the planner keep
 *                    what it derived from that node's pods across scans (the simulator and the kube adapter do).
 * @param nodeEdits   null, or how {@code nodes} (and {@code podsOfNodes}) came from the list an earlier snapshot handed
 *                    ({@link NodeEdits}): the index then takes over what it derived for the nodes no edit touched.
 */
public record ClusterSnapshot(
        Instant takenAt,
        List<NodeInfo> nodes,
        List<PodInfo> pods,
        List<DaemonSetInfo> daemonSets,
        List<List<PodInfo>> podsOfNodes,
        NodeEdits nodeEdits) {

    public ClusterSnapshot {
        nodes = nodes == null ? List.of() : nodes;
        pods = pods == null ? List.of() : pods;
        daemonSets = daemonSets == null ? List.of() : daemonSets;
        if (podsOfNodes != null && podsOfNodes.size() != nodes.size()) {
            throw new IllegalArgumentException(
                    "pods of " + podsOfNodes.size() + " node(s) handed for " + nodes.size() + " node(s)");
        }
    }

    /** Every pod, those handed node by node first. */
    public List<PodInfo> allPods() {
        if (podsOfNodes == null) {
            return pods;
        }
        List<PodInfo> all = new java.util.ArrayList<>(pods.size());
        podsOfNodes.forEach(all::addAll);
        all.addAll(pods);
        return all;
    }

    /** Without edits: the index matches the nodes with the last scan's itself. */
    public ClusterSnapshot(
            Instant takenAt,
            List<NodeInfo> nodes,
            List<PodInfo> pods,
            List<DaemonSetInfo> daemonSets,
            List<List<PodInfo>> podsOfNodes) {
        this(takenAt, nodes, pods, daemonSets, podsOfNodes, null);
    }

    /** Every pod in one list. */
    public ClusterSnapshot(Instant takenAt, List<NodeInfo> nodes, List<PodInfo> pods, List<DaemonSetInfo> daemonSets) {
        this(takenAt, nodes, pods, daemonSets, null, null);
    }
}
