package io.joblane.scaler.plan;

/** Where a pod is, as far as capacity is concerned; folded from status.phase, nodeName, conditions and deletion. */
public enum PodPhase {
    /** No node yet and the scheduler set condition PodScheduled=False, reason Unschedulable: scale-out input. */
    PENDING_UNSCHEDULABLE,
    /** No node yet and the scheduler has not given up on it: ignored by scale-out this scan. */
    PENDING_SCHEDULING,
    /** Bound to a node (spec.nodeName set) but not running yet: holds capacity, blocks scale-in. */
    PENDING_BOUND,
    RUNNING,
    /** deletionTimestamp set but not gone: still holds capacity and blocks scale-in. */
    TERMINATING,
    /** Succeeded or Failed: holds nothing, blocks nothing. */
    FINISHED;

    /** True when the pod occupies its node's capacity and keeps the node from being removed. */
    public boolean holdsNode() {
        return this == PENDING_BOUND || this == RUNNING || this == TERMINATING;
    }
}
