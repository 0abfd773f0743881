package io.joblane.simulator.cluster;

import io.joblane.scaler.plan.NodePods;
import io.joblane.scaler.plan.PodInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One simulated node of the group (or one that is still booting). Holds the Job pods bound to it, its requested
 * totals (DaemonSet overhead included), its taint and cordon, and the annotations a scaler keeps on it.
 */
public final class SimNode {
    public enum Taint {
        NONE,
        PREFER_NO_SCHEDULE,
        NO_SCHEDULE
    }

    /** No lane term matches this value (none is greater), as none matches a node without an integer label. */
    static final long NO_LANE_END = Long.MIN_VALUE;

    public final String name;
    public final String instanceId;
    /** The node's zone ({@code topology.kubernetes.io/zone}). */
    public String zone;
    /** Its instance type; {@link #shape} is the type's. */
    public final NodeType type;

    public final NodeShape shape;
    /** When the instance was launched: billing starts here, boot time included. */
    final long launchedAt;

    public long readyAt;
    public boolean ready;

    public long usedCpu;
    public long usedMemory;
    public long usedGpu;
    public int usedPods;
    /** Changed only by {@link SimCluster}'s bind and unbind, with {@link #usedPods}: {@link #hasJobPods} reads that. */
    public final List<SimPod> pods = new ArrayList<>(4);
    /** Changes whenever a pod is bound to or leaves the node. */
    long podsVersion;
    /** The Joblane loop's last list of this node's pods, made at {@link #podInfosVersion}; null before one. */
    private List<PodInfo> podInfos;

    private long podInfosVersion = -1;
    /** The latest end of the node's pods' runs, as of {@link #latestEndVersion}. */
    private long latestEnd;

    private long latestEndVersion = -1;
    /** Lanes' list of this node's pods; null before one and once a pod was bound to or left the node. */
    private io.joblane.scaler.lanes.LaneNodePods lanePods;
    /** Lanes' last view of this node, reused while its label is the same string. */
    private io.joblane.scaler.lanes.LaneNode laneNode;

    public Taint drainTaint = Taint.NONE;
    /** Bought as Spot ({@link SpotMarket}); false for every node of a simulation without Spot. */
    public boolean spot;
    /** A Spot interruption notice came: the cloud takes the instance two minutes later; no pod lands here. */
    public boolean spotNoticed;

    public boolean cordoned;
    boolean removed;
    /** Launch order: the order in which the scheduler's scans met the nodes. */
    long seq;
    /** Its load bucket while it accepts pods, else null. */
    LoadBuckets.Bucket bucket;
    /** In the cluster's list of changed nodes. */
    boolean listedChanged;

    /** Annotations the Joblane loop keeps on nodes (epoch millis of virtual time, or -1). */
    public long unneededSince = -1;

    public long cordonedAt = -1;
    public long drainingSince = -1;
    public boolean cordonedByJoblane;
    /** cluster-autoscaler's own memory: since when the node has been unneeded (under the threshold, pods movable). */
    public long lowSince = -1;
    /**
     * cluster-autoscaler's memory: the node was found unremovable and is not looked at again before this time (behind
     * while the model has the node set aside, blocked until it changes: caught up then).
     */
    public long recheckAfter = -1;
    /** When a pod was last bound to or left this node (Karpenter's {@code lastPodEventTime}); -1 before any. */
    public long lastPodEventAt = -1;
    /** The node's {@code joblane.io/lane-end} label as the scaler's lanes step wrote it, or null. */
    public String laneEnd;
    /**
     * {@link #laneEnd} read as an integer, or {@link #NO_LANE_END} when absent or not an integer: a plain long, since
     * every lane pod's scan reads it on every node.
     */
    long laneEndMinutes = NO_LANE_END;
    /** The Joblane loop's last view of this node, reused while the fields it was made from are unchanged. */
    public io.joblane.scaler.plan.NodeInfo info;
    /** Where the cluster-autoscaler model's drain simulation put this node, or -1 (it checks the slot holds it). */
    public int drainSlot = -1;

    SimNode(String name, String instanceId, long launchedAt, NodeType type) {
        this.name = name;
        this.instanceId = instanceId;
        this.launchedAt = launchedAt;
        this.type = type;
        this.shape = type.shape();
        this.usedCpu = shape.daemonSetCpuMillis();
        this.usedMemory = shape.daemonSetMemoryMillis();
        this.usedPods = shape.daemonSetPods();
    }

    /**
     * A pod was bound to or left the node: its lists are made anew. Lanes' is dropped here rather than checked against
     * the version at every scan, which would read one more field of every node.
     */
    void podsChanged() {
        podsVersion++;
        lanePods = null;
    }

    public boolean fits(SimPod pod) {
        return usedCpu + pod.cpu <= shape.cpuMillis()
                && usedMemory + pod.memory <= shape.memoryMillis()
                && usedGpu + pod.gpu <= shape.gpus()
                && usedPods + 1 <= shape.pods();
    }

    /**
     * The scheduler may bind a new pod here: ready, not cordoned, no NoSchedule taint no Job pod tolerates (the
     * draining fence, or the notice taint AWS Node Termination Handler puts on a noticed Spot node).
     */
    public boolean acceptsPods() {
        return ready && !cordoned && drainTaint != Taint.NO_SCHEDULE && !spotNoticed;
    }

    /** Launch order: nodes are listed, and met by full scans, in this order. */
    public long launchOrder() {
        return seq;
    }

    /** Removed from the cluster (its instance terminated). */
    public boolean isRemoved() {
        return removed;
    }

    public boolean hasJobPods() {
        return usedPods > shape.daemonSetPods(); // the node's own counter: the list is one more object to load
    }

    /** When the instance was launched (billing starts here). */
    public long launchedAt() {
        return launchedAt;
    }

    /**
     * When the last of the node's running pods ends (Long.MIN_VALUE without pods): for the clairvoyant reference,
     * which alone may know durations. Kept until a pod is bound to or leaves the node.
     */
    public long latestPodEnd() {
        if (latestEndVersion != podsVersion) {
            long end = Long.MIN_VALUE;
            for (SimPod p : pods) {
                end = Math.max(end, p.endsAt());
            }
            latestEnd = end;
            latestEndVersion = podsVersion;
        }
        return latestEnd;
    }

    /**
     * The node's pods as the Joblane loop sees them ({@code view} of each): the same list object while no pod was
     * bound to or left the node, so the planner keeps what it derived from them; a new list, never a changed one, when
     * they change.
     */
    public List<PodInfo> podInfos(Function<SimPod, PodInfo> view) {
        if (podInfos == null || podInfosVersion != podsVersion) {
            List<PodInfo> infos = new ArrayList<>(pods.size());
            for (SimPod p : pods) {
                infos.add(view.apply(p));
            }
            podInfos = new NodePods(infos);
            podInfosVersion = podsVersion;
        }
        return podInfos;
    }

    /**
     * The node's pods as lanes sees them ({@code view} of each): the same object while no pod was bound to or left the
     * node, so lanes keeps what it predicted from them; a new one when they change.
     */
    public io.joblane.scaler.lanes.LaneNodePods lanePods(
            java.util.function.BiFunction<SimPod, SimNode, io.joblane.scaler.lanes.LanePod> view) {
        if (lanePods == null) {
            List<io.joblane.scaler.lanes.LanePod> onNode = new ArrayList<>(pods.size());
            for (SimPod p : pods) {
                onNode.add(view.apply(p, this));
            }
            lanePods = new io.joblane.scaler.lanes.LaneNodePods(onNode);
        }
        return lanePods;
    }

    /** The node and its {@code joblane.io/lane-end} label as lanes reads them, made anew when the label changes. */
    public io.joblane.scaler.lanes.LaneNode laneNode() {
        if (laneNode == null || laneNode.laneEnd() != laneEnd) {
            laneNode = new io.joblane.scaler.lanes.LaneNode(name, laneEnd);
        }
        return laneNode;
    }
}
