package io.joblane.scaler.plan;

import java.time.Instant;
import java.util.List;

/**
 * The cluster as one scan sees it: the groups' nodes, the pods of the groups (and any other pods known to be bound
 * to those nodes), and the DaemonSets. Built by {@code ClusterAccess.snapshot()} from informer caches; lists are
 * not copied (callers hand over ownership), so a 50,000-pod snapshot costs no extra copy.
 */
public record ClusterSnapshot(
        Instant takenAt, List<NodeInfo> nodes, List<PodInfo> pods, List<DaemonSetInfo> daemonSets) {

    public ClusterSnapshot {
        nodes = nodes == null ? List.of() : nodes;
        pods = pods == null ? List.of() : pods;
        daemonSets = daemonSets == null ? List.of() : daemonSets;
    }
}
