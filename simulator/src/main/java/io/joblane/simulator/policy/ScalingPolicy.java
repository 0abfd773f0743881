package io.joblane.simulator.policy;

import io.joblane.simulator.cluster.SimCluster;

/**
 * One way of sizing the simulated group, run against the same trace and cluster model as the others. The simulation
 * calls {@link #start} once, then {@link #scan} every scan interval of virtual time, on its single thread.
 */
public interface ScalingPolicy {

    /** The name in the table and the JSON ("joblane", "cluster-autoscaler", ...). */
    String name();

    /** Whether Job pods carry {@code safe-to-evict: "false"} under this policy (the webhook adds it for Joblane). */
    boolean jobsAnnotatedSafeToEvictFalse();

    void start(SimCluster cluster, long now);

    void scan(SimCluster cluster, long now);

    /** Cloud calls that changed the group: raising its size, removing a node. */
    long scaleActions();

    /** How the scheduler scores nodes for this policy's Job pods: the default kube-scheduler's unless it says so. */
    default SimCluster.Scoring scoring() {
        return SimCluster.Scoring.LEAST_ALLOCATED;
    }

    /** True when the policy has nothing left to do on an empty, idle cluster, so scans may be skipped. */
    default boolean idleWhenEmpty() {
        return true;
    }
}
