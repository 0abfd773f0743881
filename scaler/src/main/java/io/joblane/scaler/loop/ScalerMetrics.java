package io.joblane.scaler.loop;

import java.time.Duration;

/**
 * What the loop reports while it runs. The kube package backs it with Micrometer, the simulator with counters;
 * {@link #NOOP} ignores everything. Called from the loop's thread; implementations must not throw.
 */
public interface ScalerMetrics {
    ScalerMetrics NOOP = new ScalerMetrics() {};

    /** One decision taken (or, in dry-run mode, one that would have been taken). */
    default void decision(String group, DecisionKind kind) {}

    /**
     * Blocking pods found bound to a node right after its instance was terminated that its last bound-pod check could
     * have seen (every Job pod, and every pod created before that check began): the product's promise is that this
     * is always 0 ({@code joblane_scaler_pods_at_termination_total}).
     */
    default void podsFoundAtTermination(String group, int pods) {}

    /**
     * Non-Job pods created on a node after its last bound-pod check began and found there right after its
     * termination: bound past every check (a pod created with {@code nodeName}), not the promise's
     * ({@code joblane_scaler_pods_bound_after_check_total}).
     */
    default void podsBoundAfterLastCheck(String group, int pods) {}

    /**
     * An instance of the group that the cloud terminated or replaced itself, not at Joblane's request (health check
     * replacement, Spot or capacity rebalance, instance refresh, a node group upgrade), counted once per instance
     * ({@code joblane_scaler_unexpected_terminations_total}).
     */
    default void unexpectedTermination(String group) {}

    /**
     * A Spot notice seen on a node of the group, {@code kind} {@code rebalance} or {@code interruption}, counted once
     * per node and kind ({@code joblane_scaler_spot_notices_total}).
     */
    default void spotNotice(String group, String kind) {}

    /**
     * An instance the cloud took that was Spot (capacity-type label) or carried a Spot notice, counted once per
     * instance, also among the unexpected terminations ({@code joblane_scaler_spot_interruptions_total}).
     */
    default void spotInterruption(String group) {}

    /**
     * New nodes a scale-up asked of one member Auto Scaling group of a group over several
     * ({@code joblane_scaler_asg_nodes_requested_total}); {@code asg} is one of the group's configured members.
     */
    default void asgNodesRequested(String group, String asg, int nodes) {}

    /** A waiting pod that fits no node of its group, counted once per pod. */
    default void podNeverFits(String group) {}

    /**
     * One {@code joblane.io/lane-end} label written by lanes (in dry-run: that would have been written), a node PATCH
     * each ({@code joblane_scaler_lane_label_writes_total}): the API load lanes adds.
     */
    default void laneLabelWritten() {}

    /**
     * A node registered: {@code lag} from its instance's launch to the node's creation
     * ({@code joblane_node_registration_seconds}). Reported once per node created while this loop runs.
     */
    default void nodeRegistered(String group, Duration lag) {}

    /** One cloud call; {@code errorCode} is null on success, else the {@code CloudException} code. */
    default void cloudCall(String group, String operation, String errorCode) {}

    /** One failed Kubernetes call. */
    default void clusterError(String operation) {}

    /**
     * A group was not planned this scan ({@code joblane_scaler_group_skipped_scans_total}): its scan failed, or its
     * cloud group could not be described. The liveness probe sees the loop, not each group: a group skipped at every
     * scan is only seen here and in the status.
     */
    default void groupSkipped(String group, GroupSkip reason) {}

    /** Duration of one {@code runOnce}, and its result for gauges (nodes per state, desired, pending pods). */
    default void scanCompleted(Duration duration, ScanResult result) {}
}
