package io.joblane.scaler.plan;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * One node's pods as an adapter hands them node by node ({@link ClusterSnapshot#podsOfNodes}): immutable, and made
 * anew whenever a pod is bound to or leaves the node. The planner keeps what it derives from these pods on the object
 * itself, so a node handed the same object at the next scan costs neither a look at its pods nor a lookup.
 */
public final class NodePods extends AbstractList<PodInfo> implements RandomAccess {
    private final PodInfo[] pods;
    /** What the planner derived from these pods, once a scan indexed them; loop thread only. */
    NodeLoad load;

    public NodePods(List<PodInfo> pods) {
        this.pods = pods.toArray(new PodInfo[0]);
    }

    @Override
    public PodInfo get(int index) {
        return pods[index];
    }

    @Override
    public int size() {
        return pods.length;
    }
}
