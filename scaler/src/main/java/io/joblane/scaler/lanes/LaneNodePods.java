package io.joblane.scaler.lanes;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * One node's bound Job pods as an adapter hands them node by node ({@link LanesAccess#pods(List)}): immutable, and made
 * anew whenever a pod is bound to or leaves the node. Lanes keeps on it the ends it predicted from these pods, so a node
 * handed the same object again costs no prediction while its pods' families learnt nothing.
 */
public final class LaneNodePods extends AbstractList<LanePod> implements RandomAccess {
    private final LanePod[] pods;
    /** What lanes last derived from these pods; loop thread only. */
    NodeEnds.Derived derived;

    public LaneNodePods(List<LanePod> pods) {
        this.pods = pods.toArray(new LanePod[0]);
    }

    @Override
    public LanePod get(int index) {
        return pods[index];
    }

    @Override
    public int size() {
        return pods.length;
    }
}
