package io.joblane.scaler.plan;

import io.joblane.model.WellKnown;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** One group's nodes in snapshot order, and beside each its load ({@link NodeLoad#NONE} when nothing holds it). */
final class GroupNodes {
    final String group;
    final List<NodeInfo> nodes;
    NodeLoad[] loads;
    /** The last index's list of the group, null when it had none (or there was no last index). */
    final List<NodeInfo> lastNodes;
    /**
     * Beside {@link #nodes}: the place of the same node in {@link #lastNodes}, else -1; null without one. Not written
     * once the group is built: {@link NodeEdits#runs} remembers answers by the array.
     */
    int[] was;
    /**
     * When the group was brought along from the last index's by edits that moved no node: that group's loads, and the
     * places where {@link #loads} may differ from them (else null).
     */
    NodeLoad[] lastLoads;

    int[] loadsChanged;
    /** How many of the nodes hold a pod with required anti-affinity. */
    int antiAffinityNodes;
    /** How many of the nodes are Spot capacity or carry a Spot notice. */
    int spotNodes;
    /** How many of the nodes carry a taint that filters pods, the dedicated one aside ({@link #factsOf}). */
    int taintedNodes;

    private static final byte SPOT = 1;
    private static final byte TAINTED = 2;

    private static final Set<String> DEDICATED = Set.of(WellKnown.DEDICATED_TAINT);

    /**
     * What a node's object says that its group counts: Spot capacity or a Spot notice; a taint that filters pods
     * ({@link NodeTaints#filtering}) other than Joblane's dedicated one, which a group's nodes carry (EKS setup).
     */
    static byte factsOf(NodeInfo n) {
        boolean spot = n.noticed() || n.capacityType() == CapacityType.SPOT;
        boolean tainted =
                !n.taints().isEmpty() && !NodeTaints.filtering(n, DEDICATED).isEmpty();
        return (byte) ((spot ? SPOT : 0) | (tainted ? TAINTED : 0));
    }

    /** Counts one more node of the group: whether a pod of its load has required anti-affinity, and its facts. */
    void count(boolean antiAffinity, byte facts) {
        antiAffinityNodes += antiAffinity ? 1 : 0;
        spotNodes += facts & SPOT;
        taintedNodes += (facts & TAINTED) >> 1;
    }

    /** Counts one node fewer: the facts it was counted with. */
    void uncount(boolean antiAffinity, byte facts) {
        antiAffinityNodes -= antiAffinity ? 1 : 0;
        spotNodes -= facts & SPOT;
        taintedNodes -= (facts & TAINTED) >> 1;
    }

    /** Starts from {@code g}'s counts. */
    void countAs(GroupNodes g) {
        antiAffinityNodes = g.antiAffinityNodes;
        spotNodes = g.spotNodes;
        taintedNodes = g.taintedNodes;
    }

    /**
     * The loads of the last group's nodes ({@code last}) copied run by run ({@link NodeEdits#runs}), the places
     * {@code built} left for the caller; when no node moved, noted for {@link #loadsChangedSince}.
     */
    void loadsFrom(NodeLoad[] last, int[] runs, int[] built) {
        NodeEdits.copyRuns(runs, last, loads);
        if (NodeEdits.runsKeepPlaces(runs, loads.length, lastNodes.size())) { // a walked group's array may be longer
            lastLoads = last;
            loadsChanged = built;
        }
    }

    /**
     * The places, in order, where {@code now} (these loads) may differ from {@code since}, an earlier answer for the
     * nodes {@code sinceNodes}, found without a walk: none when it is this answer, the places built when it is the
     * last group's; null when not known.
     */
    int[] loadsChangedSince(NodeLoad[] now, NodeLoad[] since, List<NodeInfo> sinceNodes) {
        if (now != loads) {
            return null;
        }
        if (since == loads && sinceNodes == nodes) {
            return new int[0];
        }
        return since == lastLoads && sinceNodes == lastNodes ? loadsChanged : null;
    }

    /** A group holding every node of the snapshot: {@code was} the places in {@code lastNodes}. */
    GroupNodes(String group, List<NodeInfo> nodes, List<NodeInfo> lastNodes, int[] was) {
        this.group = group;
        this.nodes = nodes;
        this.loads = new NodeLoad[nodes.size()];
        this.lastNodes = lastNodes;
        this.was = was;
    }

    /** A group's list to be filled; {@code g}: the last index's list of the group, or null. */
    GroupNodes(String group, GroupNodes g) {
        this.group = group;
        int size = Math.max(1, g == null ? 8 : g.nodes.size()); // sized as the last index's
        this.nodes = new ArrayList<>(size);
        this.loads = new NodeLoad[size];
        this.lastNodes = g == null ? null : g.nodes;
        this.was = g == null ? null : new int[size];
    }

    void add(NodeInfo node, NodeLoad load, int lastPlace) {
        if (nodes.size() == loads.length) {
            loads = Arrays.copyOf(loads, loads.length * 2);
            was = was == null ? null : Arrays.copyOf(was, loads.length);
        }
        if (was != null) {
            was[nodes.size()] = lastPlace;
        }
        loads[nodes.size()] = load == null ? NodeLoad.NONE : load;
        nodes.add(node);
    }

    /** {@link #was} at the list's length (sized as the last list, it may be longer). */
    int[] wasTrimmed() {
        if (was.length != nodes.size()) {
            was = Arrays.copyOf(was, nodes.size());
        }
        return was;
    }
}
