package io.joblane.simulator.policy;

import io.joblane.simulator.cluster.SimCluster;
import io.joblane.simulator.cluster.SimNode;
import io.joblane.simulator.cluster.SimPod;

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

    /**
     * Before {@link #start}: scans run at the start plus whole multiples of this interval (those not skipped). A
     * policy that replays skipped scans' bookkeeping needs the grid; most ignore it.
     */
    default void scansEvery(long intervalMillis) {
        // Most policies need not know.
    }

    /**
     * One scan. Returns whether it acted on something the cluster does not show (its own state, the cloud), so that
     * the next scan must run even if the cluster did not change; changes to the cluster are seen by its version.
     */
    boolean scan(SimCluster cluster, long now);

    /**
     * After a scan at {@code now} that changed nothing: the earliest time at which a scan of the unchanged cluster
     * could act (a delay running out), or Long.MAX_VALUE when only a change can make it act. The simulation skips the
     * scans before it unless the cluster changes, as an event-driven loop would. The default promises nothing.
     */
    default long nextScanWanted(SimCluster cluster, long now) {
        return now;
    }

    /**
     * At the time {@link #nextScanWanted} asked for, the cluster unchanged since that scan: whether a whole scan is
     * due, rather than only a step whose own delay ran out and which decides nothing about nodes or the cloud (Joblane's
     * lanes publishing a family table it held back). The default: a whole scan.
     */
    default boolean wholeScanDue(long now) {
        return true;
    }

    /** The steps due when {@link #wholeScanDue} says no whole scan is; returns as {@link #scan} does. */
    default boolean scanDueStepsOnly(SimCluster cluster, long now) {
        return scan(cluster, now);
    }

    /** Cloud calls that changed the group: raising its size, removing a node. */
    long scaleActions();

    /** How the scheduler scores nodes for this policy's Job pods: the default kube-scheduler's unless it says so. */
    default SimCluster.Scoring scoring() {
        return SimCluster.Scoring.LEAST_ALLOCATED;
    }

    /**
     * True when the policy binds pods itself ({@link #place}) instead of the simulated kube-scheduler: only the
     * clairvoyant reference, which no real scheduler can be.
     */
    default boolean placesPods() {
        return false;
    }

    /** Binds waiting pods at {@code now}, for a policy that {@link #placesPods()}; called after every event time. */
    default void place(SimCluster cluster, long now) {
        throw new UnsupportedOperationException(name() + " does not place pods");
    }

    /**
     * Called after the scheduler ran at every event time (submits, completions, timers), not only on scans: for a
     * policy that reacts to pending pods between scans (Karpenter's batching window). It may queue timers.
     */
    default void afterSchedule(SimCluster cluster, long now) {
        // Most policies act on their scans only.
    }

    /**
     * A Job pod is created at {@code now}, before the scheduler sees it: what an admission webhook of the policy adds
     * to it (Joblane: the preferred lane term). Most policies add nothing.
     */
    default void admit(SimPod pod, long now) {
        // No webhook.
    }

    /**
     * The cloud takes a Spot node at {@code now}, two minutes after its interruption notice (never called without
     * {@code --spot-interruption-rate}). By default it is removed and its Job pods restart elsewhere, counted as lost
     * to Spot; a policy whose cloud group replaces lost instances says so here.
     */
    default void spotTaken(SimCluster cluster, SimNode node, long now) {
        cluster.removeTakenBySpot(node, now);
    }

    /** True when the policy has nothing left to do on an empty, idle cluster, so scans may be skipped. */
    default boolean idleWhenEmpty() {
        return true;
    }
}
