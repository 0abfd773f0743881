package io.joblane.simulator.policy;

import io.joblane.scaler.lanes.LaneNode;
import io.joblane.scaler.lanes.LanePod;
import io.joblane.scaler.plan.NodeEdits;
import io.joblane.scaler.plan.NodeInfo;
import io.joblane.scaler.plan.PodInfo;
import io.joblane.simulator.cluster.SimCluster;
import io.joblane.simulator.cluster.SimNode;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * The ready nodes of a Joblane run in node order, beside each the views the loop's snapshot and lanes read of it (its
 * NodeInfo and pods' list; its lane node and lane pods), kept across scans: at each read only the nodes the cluster
 * listed as changed since are looked at again, rather than every node at every scan, and each view is made as the walk
 * made it (the node's own caches decide whether it is the same object). Single-threaded.
 */
final class ReadyNodes {
    private final SimCluster cluster;
    private final Function<SimNode, NodeInfo> info;
    private final Function<SimNode, List<PodInfo>> pods;
    /** With lanes on: the lanes views are kept too. */
    private final boolean lanes;

    private SimNode[] nodes = new SimNode[16];
    private long[] seqs = new long[16];
    private NodeInfo[] infos = new NodeInfo[16];
    private Object[] podLists = new Object[16];
    private LaneNode[] laneNodes = new LaneNode[16];
    private Object[] lanePods = new Object[16];
    private int size;
    private boolean watching;
    /** The edits to {@link #infos} and {@link #podLists} since the last {@link #infos()} handed them. */
    private final NodeEdits.Log log = new NodeEdits.Log();
    /** How the list the last {@link #infos()} handed came from the one before. */
    private NodeEdits edits;
    /** The same for {@link #laneNodes} and {@link #lanePods}, handed at other times. */
    private final NodeEdits.Log laneLog = new NodeEdits.Log();

    private NodeEdits laneEdits;

    ReadyNodes(
            SimCluster cluster,
            Function<SimNode, NodeInfo> info,
            Function<SimNode, List<PodInfo>> pods,
            boolean lanes) {
        this.cluster = cluster;
        this.info = info;
        this.pods = pods;
        this.lanes = lanes;
    }

    /** The views of the nodes changed since the last call made again as the nodes are now; every node the first time. */
    void refresh() {
        if (!watching) {
            watching = true;
            cluster.trackChangedNodes();
            cluster.nodes().forEach(this::put);
        }
        cluster.drainChangedNodes(this::put);
    }

    private void put(SimNode n) {
        int at = Arrays.binarySearch(seqs, 0, size, n.launchOrder());
        if (n.isRemoved() || !n.ready) {
            if (at >= 0) {
                delete(at);
                log.deleted(at);
                if (lanes) { // else no one hands the lanes' log over
                    laneLog.deleted(at);
                }
            }
            return;
        }
        NodeInfo nodeInfo = info.apply(n);
        Object podList = pods.apply(n);
        LaneNode laneNode = lanes ? n.laneNode() : null;
        Object lanePodList = lanes ? n.lanePods(SimLanes::boundLanePod) : null;
        if (at < 0) {
            at = -at - 1;
            insert(at, n);
            log.inserted(at);
            if (lanes) {
                laneLog.inserted(at);
            }
        } else {
            if (infos[at] != nodeInfo || podLists[at] != podList) {
                log.changed(at);
            }
            if (laneNodes[at] != laneNode || lanePods[at] != lanePodList) {
                laneLog.changed(at);
            }
        }
        infos[at] = nodeInfo;
        podLists[at] = podList;
        laneNodes[at] = laneNode;
        lanePods[at] = lanePodList;
    }

    /**
     * The ready nodes' NodeInfo, in node order: a new list over one copy of the array (its size fixed: no reader adds
     * or removes); {@link #edits} then says how it came from the one handed before.
     */
    List<NodeInfo> infos() {
        List<NodeInfo> out = Arrays.asList(Arrays.copyOf(infos, size));
        edits = log.handOver(out);
        return out;
    }

    /** How the list the last {@link #infos()} handed came from the one before it (null for the first). */
    NodeEdits edits() {
        return edits;
    }

    /** Beside {@link #infos()}, each node's pods: a new list over one copy of the array. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    List<List<PodInfo>> podLists() {
        return (List) Arrays.asList(Arrays.copyOf(podLists, size));
    }

    /** The ready nodes as lanes reads them, in node order: a new list; {@link #laneEdits} from the one before. */
    List<LaneNode> laneNodes() {
        List<LaneNode> out = Arrays.asList(Arrays.copyOf(laneNodes, size));
        laneEdits = laneLog.handOver(out);
        return out;
    }

    /** How the list the last {@link #laneNodes()} handed came from the one before it (null for the first). */
    NodeEdits laneEdits() {
        return laneEdits;
    }

    /** Beside {@link #laneNodes()}, each node's pods as lanes reads them: a new list. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    List<List<LanePod>> lanePods() {
        return (List) Arrays.asList(Arrays.copyOf(lanePods, size));
    }

    private void insert(int at, SimNode n) {
        if (size == nodes.length) {
            int grown = size * 2;
            nodes = Arrays.copyOf(nodes, grown);
            seqs = Arrays.copyOf(seqs, grown);
            infos = Arrays.copyOf(infos, grown);
            podLists = Arrays.copyOf(podLists, grown);
            laneNodes = Arrays.copyOf(laneNodes, grown);
            lanePods = Arrays.copyOf(lanePods, grown);
        }
        int moved = size - at;
        System.arraycopy(nodes, at, nodes, at + 1, moved);
        System.arraycopy(seqs, at, seqs, at + 1, moved);
        System.arraycopy(infos, at, infos, at + 1, moved);
        System.arraycopy(podLists, at, podLists, at + 1, moved);
        System.arraycopy(laneNodes, at, laneNodes, at + 1, moved);
        System.arraycopy(lanePods, at, lanePods, at + 1, moved);
        nodes[at] = n;
        seqs[at] = n.launchOrder();
        size++;
    }

    private void delete(int at) {
        int moved = size - at - 1;
        System.arraycopy(nodes, at + 1, nodes, at, moved);
        System.arraycopy(seqs, at + 1, seqs, at, moved);
        System.arraycopy(infos, at + 1, infos, at, moved);
        System.arraycopy(podLists, at + 1, podLists, at, moved);
        System.arraycopy(laneNodes, at + 1, laneNodes, at, moved);
        System.arraycopy(lanePods, at + 1, lanePods, at, moved);
        size--;
        nodes[size] = null;
        infos[size] = null;
        podLists[size] = null;
        laneNodes[size] = null;
        lanePods[size] = null;
    }
}
