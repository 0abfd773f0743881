package io.joblane.simulator.policy;

import io.joblane.model.WellKnown;
import io.joblane.model.lanes.FamilyKey;
import io.joblane.model.lanes.FamilyTable;
import io.joblane.scaler.lanes.LaneNode;
import io.joblane.scaler.lanes.LanePod;
import io.joblane.scaler.lanes.LanePods;
import io.joblane.scaler.lanes.LanesAccess;
import io.joblane.scaler.plan.NodeEdits;
import io.joblane.simulator.cluster.SimCluster;
import io.joblane.simulator.cluster.SimNode;
import io.joblane.simulator.cluster.SimPod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@link LanesAccess} over the simulated cluster, for the scaler's real lanes step in {@link JoblanePolicy}. */
final class SimLanes implements LanesAccess {
    private static final String NAMESPACE = JoblanePolicy.NAMESPACE;

    private final SimCluster cluster;
    /** The family table last published by the lanes step: what the webhook predicts from. */
    private FamilyTable published = FamilyTable.EMPTY;
    /** Runs ended since the lanes step last read the pods: it learns each once, as from a Succeeded pod. */
    private final List<LanePod> finished = new ArrayList<>();
    /** The lanes nodes last listed, beside them their pods, and the pods of nodes not ready, read in one walk. */
    private List<LaneNode> laneNodes;

    private List<List<LanePod>> laneOfNodes;
    /** The nodes whose pods {@link #pods(List)} last handed as kept lists, null when it grouped them afresh. */
    private List<LaneNode> lastPodsOf;

    private List<LanePod> laneNotReady;
    /** Lane-end labels written: to show lanes were exercised. */
    long laneEndWrites;

    /** The ready nodes and their lanes views, kept across scans. */
    private final ReadyNodes ready;

    SimLanes(SimCluster cluster, ReadyNodes ready) {
        this.cluster = cluster;
        this.ready = ready;
    }

    /** A run ended: lanes learns it once, as from a Succeeded pod. */
    void finished(SimPod pod, long at) {
        finished.add(lanePod(pod, null, false, pod.startedAt, at));
    }

    /**
     * The pod's family as the webhook and the scaler key it ({@link FamilyKey}): its {@code joblane.io/family} label
     * (the trace's family), else its Job's name, which is the pod's own here (one pod per Job), so it never repeats.
     */
    static String family(SimPod pod) {
        if (pod.familyKey == null) {
            pod.familyKey = pod.family.isEmpty()
                    ? FamilyKey.of(NAMESPACE, Map.of(WellKnown.JOB_NAME_LABEL, pod.name()))
                    : FamilyKey.of(NAMESPACE, Map.of(WellKnown.FAMILY_LABEL, pod.family));
        }
        return pod.familyKey;
    }

    private static LanePod lanePod(SimPod p, String node, boolean bound, long start, long finishedAt) {
        return new LanePod(p.uid(), node, family(p), null, p.deadline, bound, start, finishedAt);
    }

    /** A bound pod as lanes reads it every scan: the same object while the pod runs on the same node. */
    static LanePod boundLanePod(SimPod p, SimNode n) {
        LanePod cached = p.lanePod;
        if (cached != null
                && cached.node() == n.name
                && cached.startMillis() == p.startedAt
                && cached.uid() == p.uid()) {
            return cached;
        }
        p.lanePod = lanePod(p, n.name, true, p.startedAt, -1);
        return p.lanePod;
    }

    /**
     * The ready nodes (kept across scans, {@link ReadyNodes}); for {@link #pods(List)} of these nodes, each one's pods
     * as the list it keeps while they are unchanged, and the pods of nodes not ready (booting).
     */
    @Override
    public List<LaneNode> nodes() {
        ready.refresh();
        List<LanePod> notReady = new ArrayList<>(0);
        for (SimNode n : cluster.booting()) {
            for (SimPod p : n.pods) {
                notReady.add(boundLanePod(p, n));
            }
        }
        List<LaneNode> out = ready.laneNodes();
        laneNodes = out;
        laneOfNodes = ready.lanePods();
        laneNotReady = notReady;
        return out;
    }

    /** The bound Job pods, and the runs that ended since the last call (each seen once, as a Succeeded pod). */
    @Override
    public List<LanePod> pods() {
        List<LanePod> out =
                new ArrayList<>(finished.size() + (int) Math.min(Integer.MAX_VALUE - 8, cluster.runningPods()));
        out.addAll(finished);
        finished.clear();
        for (SimNode n : cluster.nodes()) {
            for (SimPod p : n.pods) {
                out.add(boundLanePod(p, n));
            }
        }
        return out;
    }

    /**
     * The same pods node by node: each ready node's as the list it keeps while its pods are unchanged (so lanes keeps
     * what it predicted from them, as the planner keeps a node's load), and the ended runs and pods of other nodes.
     */
    @Override
    public LanePods pods(List<LaneNode> nodes) {
        if (nodes != laneNodes) {
            lastPodsOf = null;
            return LanesAccess.super.pods(nodes);
        }
        lastPodsOf = nodes;
        List<LanePod> others = new ArrayList<>(finished.size() + laneNotReady.size());
        others.addAll(finished);
        finished.clear();
        others.addAll(laneNotReady);
        return new LanePods(laneOfNodes, others);
    }

    /** How the ready nodes last handed came from those handed before, when {@link #pods(List)} handed theirs. */
    @Override
    public NodeEdits nodeEdits() {
        return laneNodes != null && lastPodsOf == laneNodes ? ready.laneEdits() : null;
    }

    @Override
    public FamilyTable published() {
        return published;
    }

    @Override
    public void publish(FamilyTable table) {
        published = table;
    }

    @Override
    public void setLaneEnd(String node, String value) {
        SimNode n = cluster.nodeByName(node);
        if (n != null) {
            cluster.setLaneEnd(n, value);
            laneEndWrites++;
        }
    }
}
