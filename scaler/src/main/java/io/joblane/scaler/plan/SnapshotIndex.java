package io.joblane.scaler.plan;

import io.joblane.scaler.cloud.CloudGroup;
import io.joblane.scaler.cloud.CloudInstance;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Indexes one {@link ClusterSnapshot} by group and by node in a single pass, so planning every group costs one walk
 * over the pods, with the bound pods' expected ends as lanes last predicted them. Built by the loop once per scan and
 * used by the loop thread only; read-only afterwards but for the instance map and the per-node facts it memoises.
 *
 * <p>Built with the previous scan's index, a node whose bound pods are the very same {@link PodInfo} objects in the
 * same order (the simulator and the kube adapter reuse the object of an unchanged pod) keeps its {@link NodeLoad},
 * with what was derived from those pods (their summed requests, the drain order's keys): the work of a scan then
 * follows the nodes whose pods changed. Any other difference, a pod added, gone, changed or reordered, builds the
 * node's load afresh, so a stale entry cannot survive a change. Pods handed node by node as a {@link NodePods} carry
 * their node's load on that object: handed again, it is taken without a lookup or a look at the pods; a new object
 * means the node's pods changed, and its load is built afresh. The planner reads the loads by the nodes' positions
 * ({@link #loads}); the map by name is built only when a caller asks by name.
 *
 * <p>The nodes are matched to the last index's by identity ({@link ByKey#match}, references compared, no node read),
 * or, when the snapshot hands its {@link NodeEdits}, taken from them: then the facts of the untouched nodes are copied
 * run by run, with no walk that compares nodes (see {@link ClusterSnapshot#nodeEdits}).
 * In either case:
 * an unchanged node keeps its group, and its very same {@link NodePods} its load, with neither object read; the
 * nodeless instances follow the last answer by what changed ({@link NodelessInstances}); each
 * group's classification and each node's instance follow the same way ({@link Classification.Kept},
 * {@link #instancesOf}). A scan's walk over thousands of nodes then reads references, and only the changed nodes.
 */
public final class SnapshotIndex {
    private final ClusterSnapshot snapshot;
    private final Map<String, GroupNodes> nodesByGroup = new HashMap<>();
    /** Per node of the snapshot, at its position, its load: null when nothing holds it. */
    private final NodeLoad[] loadOfNode;
    /** Per node of the snapshot, the load its handed pods made (they hold its Job pods), else null. */
    private final NodeLoad[] handedLoad;
    /** Per node of the snapshot, whether its handed pods are a {@link NodePods} (immutable: its load follows it). */
    private final boolean[] nodePods;
    /** Whether every node's is ({@link #nodePods} all true): the next index's patch then builds only the edited places. */
    private boolean everyNodePods;
    /**
     * Per node of the snapshot, the latest creation of its handed load's Job pods as seconds and nanoseconds
     * ({@link Long#MIN_VALUE} seconds when none): {@link #jobPods(String, Instant)} reads these, not every load.
     */
    private final long[] jobSecond;

    private final int[] jobNano;
    /** Per node, its group as the node says (for the next index's unchanged nodes); null: {@link #oneGroup} for all. */
    private String[] groupOf;

    private String oneGroup;
    /**
     * Per node of the snapshot, its place in its group's list ({@link #nodes(String)}), -1 without a group; null when
     * one group holds every node in snapshot order ({@link #patchOneGroup}): each node's place is its own.
     */
    private int[] placeInGroup;
    /** Per node of the snapshot, whether a pod of its load has required anti-affinity: kept while the load is. */
    private final boolean[] antiAffinityOfNode;
    /** Per node of the snapshot, what its object says ({@link GroupNodes#factsOf}): kept while the node is. */
    private final byte[] factsOfNode;
    /** Loads collected from the flat pod list, by node name (usually empty when pods come node by node). */
    private final Map<String, NodeLoad> flatBound = new HashMap<>();
    /** Every load by node name, built when first asked for by name: the planner reads loads by position. */
    private Map<String, NodeLoad> boundByNode;

    private final Map<String, List<PodInfo>> pendingByGroup = new HashMap<>();
    /** The nodes by instance id, handed from index to index and updated for the nodes that changed. */
    private final ByKey<NodeInfo> nodesByInstance;
    /** Job pods of the flat list that have not finished, by group; those handed node by node stay on their load. */
    private final Map<String, List<PodInfo>> flatJobPodsByGroup = new HashMap<>();

    private final ExpectedEnds expectedEnds;
    /** Per cloud group id, its instances by id: handed from index to index and updated for the changed instances. */
    private final Map<String, ByKey<CloudInstance>> instancesById;
    /**
     * The last index's nodes, and where this snapshot's nodes are among them, run by run ({@link NodeEdits#runs}: the
     * patch's, else made from the pairing; null without a last index).
     */
    private final List<NodeInfo> previousNodes;

    private final int[] nodesRuns;
    /** The capacity instances without a node, followed from the last index's answer where it can be. */
    private final NodelessInstances nodelessInstances;
    /** What each cloud group's instance list says alone, once per list, handed from index to index. */
    private final DescribeFacts describeFacts;

    /** Per group, what its last pass's classification derived node by node, handed from index to index. */
    private final Map<String, Classification.Kept> keptClassification;
    /** Per cloud group id, the last {@link #instancesOf} answer, handed from index to index. */
    private final NodeInstances nodeInstances;
    /** Values the planner memoises answers on, one object per value, handed from index to index (loop thread). */
    private final List<Resources> canonical;
    /** The same for the passes' vector layouts. */
    private final List<String[]> layouts;
    /** Per group, the fit trees its passes keep for the next scan's ({@link KeptTree}), handed from index to index. */
    private final Map<String, List<KeptTree>> keptTrees;
    /** What the scale-in step keeps per group across scans, handed from index to index (loop thread). */
    private final Map<String, ScaleInKept> scaleInKept;
    /** Per group, its nodes counted by allocatable, handed from index to index (loop thread). */
    private final Map<String, AllocatableCounts> allocatableCounts;
    /** The facts of untouched nodes were copied from the last index (the snapshot's edits), not found by a walk. */
    private final boolean patched;

    public SnapshotIndex(ClusterSnapshot snapshot) {
        this(snapshot, Map.of());
    }

    /**
     * @param expectedEnds by pod uid, the expected end of bound pods (lanes' predictions); when not empty, a bound pod
     *                     missing from it has none, whatever it carries. Looked up only for the pods the drain order
     *                     reads, rather than copying every pod of the snapshot with its end at every scan.
     */
    public SnapshotIndex(ClusterSnapshot snapshot, Map<String, Instant> expectedEnds) {
        this(snapshot, expectedEnds, null);
    }

    /**
     * As above, reusing the per-node loads of {@code previous} (the last scan's index, or null) for nodes whose bound
     * pods did not change.
     */
    public SnapshotIndex(ClusterSnapshot snapshot, Map<String, Instant> expectedEnds, SnapshotIndex previous) {
        this(snapshot, ExpectedEnds.byUid(expectedEnds), previous);
    }

    /** As above, with lanes' ends looked up pod by pod. */
    public SnapshotIndex(ClusterSnapshot snapshot, ExpectedEnds expectedEnds, SnapshotIndex previous) {
        this.snapshot = snapshot;
        this.expectedEnds = expectedEnds;
        this.canonical = handed(previous, p -> p.canonical, ArrayList::new);
        this.layouts = handed(previous, p -> p.layouts, ArrayList::new);
        this.keptTrees = handed(previous, p -> p.keptTrees, HashMap::new);
        this.scaleInKept = handed(previous, p -> p.scaleInKept, HashMap::new);
        this.allocatableCounts = handed(previous, p -> p.allocatableCounts, HashMap::new);
        this.nodesByInstance = nodesByInstance(previous);
        this.instancesById = instancesById(previous);
        this.keptClassification = handed(previous, p -> p.keptClassification, HashMap::new);
        this.nodeInstances = handed(previous, p -> p.nodeInstances, NodeInstances::new);
        this.describeFacts = handed(previous, p -> p.describeFacts, DescribeFacts::new);
        List<NodeInfo> nodes = snapshot.nodes();
        loadOfNode = new NodeLoad[nodes.size()];
        handedLoad = new NodeLoad[nodes.size()];
        nodePods = new boolean[nodes.size()];
        jobSecond = new long[nodes.size()];
        jobNano = new int[nodes.size()];
        antiAffinityOfNode = new boolean[nodes.size()];
        factsOfNode = new byte[nodes.size()];
        // Where each node was in the last scan's snapshot, the very same object: what was derived from it holds.
        int[] edited = previous == null ? null : editedWas(snapshot, previous);
        int[] was = edited != null || previous == null ? edited : ByKey.match(previous.snapshot.nodes(), nodes);
        // Edits name every node whose object or pods changed: what the last index derived for the others is copied.
        Patch patch = edited != null && previous.flatBound.isEmpty() ? patchPodsOfNodes(snapshot, previous, was) : null;
        if (patch == null && snapshot.podsOfNodes() != null) {
            indexPodsOfNodes(snapshot, previous, was);
            everyNodePods = allTrue(nodePods);
        }
        indexPods(snapshot.pods(), previous);
        if (!flatBound.isEmpty()) {
            finishFlatLoads(nodes);
        }
        nodesRuns = runsOf(patch, was);
        patched = patch != null && flatBound.isEmpty() && patchOneGroup(nodes, previous, was, patch);
        if (!patched) {
            indexGroups(nodes, previous, was);
        }
        previousNodes = handed(previous, p -> p.snapshot.nodes(), () -> null);
        nodelessInstances = previous == null
                ? NodelessInstances.first()
                : NodelessInstances.after(previous.nodelessInstances, previousNodes, nodes, nodesRuns);
    }

    /**
     * Beside this snapshot's nodes, the place in the last index's of each node the snapshot's edits did not touch (the
     * same node and pods' list), else -1; null without edits from the last index's list, or pods handed node by node.
     */
    private static int[] editedWas(ClusterSnapshot snapshot, SnapshotIndex previous) {
        NodeEdits edits = snapshot.nodeEdits();
        if (edits == null
                || !edits.between(previous.snapshot.nodes(), snapshot.nodes())
                || snapshot.podsOfNodes() == null
                || previous.snapshot.podsOfNodes() == null) {
            return null;
        }
        return edits.was(snapshot.nodes().size());
    }

    /**
     * The per-node facts of the pods handed node by node, copied from the last index run by run of untouched nodes,
     * and built for the others ({@code was} -1, or pods the last index did not take as a {@link NodePods}): the
     * places of those others, in order.
     */
    private Patch patchPodsOfNodes(ClusterSnapshot snapshot, SnapshotIndex previous, int[] was) {
        int[] runs = NodeEdits.runs(was);
        NodeEdits.copyRuns(runs, previous.nodePods, nodePods);
        NodeEdits.copyRuns(runs, previous.handedLoad, handedLoad);
        NodeEdits.copyRuns(runs, previous.handedLoad, loadOfNode); // the last index had no flat loads
        NodeEdits.copyRuns(runs, previous.jobSecond, jobSecond);
        NodeEdits.copyRuns(runs, previous.jobNano, jobNano);
        // Every node's pods a NodePods (the simulator's, the kube adapter's): the places built are those no run keeps.
        int[] fresh = previous.everyNodePods ? NodeEdits.fresh(runs, was.length) : notKept(was, previous);
        List<NodeInfo> nodes = snapshot.nodes();
        boolean every = previous.everyNodePods;
        for (int i : fresh) {
            loadOfNode[i] = null;
            handedLoad[i] = null;
            indexNodePods(i, nodes.get(i), snapshot.podsOfNodes().get(i), previous);
            every &= nodePods[i];
        }
        everyNodePods = every || allTrue(nodePods);
        return new Patch(runs, fresh);
    }

    /** The places whose node the edits touched, or whose pods the last index did not take as a {@link NodePods}. */
    private static int[] notKept(int[] was, SnapshotIndex previous) {
        int[] fresh = new int[8];
        int count = 0;
        for (int i = 0; i < was.length; i++) {
            if (was[i] < 0 || !previous.nodePods[was[i]]) {
                if (count == fresh.length) {
                    fresh = java.util.Arrays.copyOf(fresh, count * 2);
                }
                fresh[count++] = i;
            }
        }
        return java.util.Arrays.copyOf(fresh, count);
    }

    private static boolean allTrue(boolean[] flags) {
        for (boolean f : flags) {
            if (!f) {
                return false;
            }
        }
        return true;
    }

    /** The runs of untouched places copied from the last index ({@link NodeEdits#runs}), and the places built. */
    private record Patch(int[] runs, int[] fresh) {}

    /**
     * When every node is of one group, as in the last index: the group's list is the nodes', and its flags are
     * copied for the untouched nodes. False (nothing done) otherwise.
     */
    private boolean patchOneGroup(List<NodeInfo> nodes, SnapshotIndex previous, int[] was, Patch patch) {
        if (previous.nodesByGroup.size() != 1) {
            return false;
        }
        GroupNodes lastGroup = previous.nodesByGroup.values().iterator().next();
        String group = lastGroup.group;
        if (lastGroup.nodes.size() != previous.snapshot.nodes().size() || nodes.isEmpty()) {
            return false;
        }
        for (int i : patch.fresh()) {
            if (!group.equals(nodes.get(i).group())) {
                return false; // only the nodes the edits touched can be of another group now
            }
        }
        NodeEdits.copyRuns(patch.runs(), previous.antiAffinityOfNode, antiAffinityOfNode);
        NodeEdits.copyRuns(patch.runs(), previous.factsOfNode, factsOfNode);
        for (int i : patch.fresh()) {
            NodeLoad load = loadOfNode[i];
            antiAffinityOfNode[i] = load != null && !load.antiAffinityPods().isEmpty();
            factsOfNode[i] = was[i] < 0 ? GroupNodes.factsOf(nodes.get(i)) : factsOfNode[i];
        }
        oneGroup = group; // every node's: not written into an array at every scan
        GroupNodes g = broughtAlong(nodes, lastGroup, previous, was, patch);
        placeInGroup = null;
        nodesByGroup.put(group, g);
        return true;
    }

    /**
     * The one group's list, loads and counts: the last group's, brought to this list by the edits. Its loads were the
     * last index's loadOfNode (the last index had no flat loads), which the untouched places copied.
     */
    private GroupNodes broughtAlong(
            List<NodeInfo> nodes, GroupNodes lastGroup, SnapshotIndex previous, int[] was, Patch patch) {
        // The snapshot's list is the group's (handed over, never written), as are the places: neither copied.
        GroupNodes g = new GroupNodes(lastGroup.group, nodes, lastGroup.nodes, was);
        g.loadsFrom(lastGroup.loads, patch.runs(), patch.fresh());
        g.countAs(lastGroup);
        for (int q : NodeEdits.left(patch.runs(), previous.snapshot.nodes().size())) {
            g.uncount(previous.antiAffinityOfNode[q], previous.factsOfNode[q]);
        }
        for (int i : patch.fresh()) {
            if (was[i] >= 0) { // carried, its pods not kept: counted again
                g.uncount(previous.antiAffinityOfNode[was[i]], previous.factsOfNode[was[i]]);
            }
            g.loads[i] = loadOfNode[i] == null ? NodeLoad.NONE : loadOfNode[i];
            g.count(antiAffinityOfNode[i], factsOfNode[i]);
        }
        return g;
    }

    /** Whether this index copied the last one's facts for the nodes its snapshot's edits did not touch (tests). */
    boolean patched() {
        return patched;
    }

    /** What the last index handed on, or a new one. */
    private static <T> T handed(
            SnapshotIndex previous,
            java.util.function.Function<SnapshotIndex, T> of,
            java.util.function.Supplier<T> fresh) {
        return previous == null ? fresh.get() : of.apply(previous);
    }

    /** The loads collected from the flat pod list, finished and set beside their nodes. */
    private void finishFlatLoads(List<NodeInfo> nodes) {
        for (Map.Entry<String, NodeLoad> e : flatBound.entrySet()) {
            e.setValue(e.getValue().finish()); // no hashing: the entry is already there
        }
        for (int i = 0; i < nodes.size(); i++) {
            NodeLoad flat = flatBound.get(nodes.get(i).name());
            loadOfNode[i] = flat != null ? flat : loadOfNode[i];
        }
    }

    /** The group of the node at place {@code i} as the node says ({@link #groupOf}). */
    private String groupAt(int i) {
        return oneGroup != null ? oneGroup : groupOf[i];
    }

    /**
     * Each group's nodes and loads in snapshot order; {@code was}: where each node was in the last index, or null.
     * Each group also gets its nodes' places in the last index's list of the group ({@link #pairing}), read off
     * {@code was}: the group's walk costs no comparisons of its own.
     */
    private void indexGroups(List<NodeInfo> nodes, SnapshotIndex previous, int[] was) {
        placeInGroup = new int[nodes.size()];
        groupOf = new String[nodes.size()];
        int[] lastPlaces = previous == null ? null : previous.placeInGroup; // null: each node's own place
        GroupNodes last = null;
        for (int i = 0; i < nodes.size(); i++) {
            int j = was == null ? -1 : was[i];
            String group = j >= 0 ? previous.groupAt(j) : nodes.get(i).group(); // an unchanged node is not read
            groupOf[i] = group;
            placeInGroup[i] = -1;
            if (group != null) { // only grouped nodes are counted; a node keeps its group while it is the same object
                NodeLoad load = loadOfNode[i];
                antiAffinityOfNode[i] = j >= 0 && load == previous.loadOfNode[j]
                        ? previous.antiAffinityOfNode[j] // the same load: its pods were asked last scan
                        : load != null && !load.antiAffinityPods().isEmpty();
                factsOfNode[i] = j >= 0 ? previous.factsOfNode[j] : GroupNodes.factsOf(nodes.get(i)); // same object
                if (last == null || !group.equals(last.group)) { // a group's nodes mostly come in a row
                    last = nodesByGroup.computeIfAbsent(
                            group, g -> new GroupNodes(g, previous == null ? null : previous.nodesByGroup.get(g)));
                }
                placeInGroup[i] = last.nodes.size();
                // Same object, same group: its place in the last list of the group; places rise as was does.
                last.add(nodes.get(i), loadOfNode[i], placeIn(lastPlaces, j));
                last.count(antiAffinityOfNode[i], factsOfNode[i]);
            }
        }
    }

    /** The place in its group of the last index's node at {@code j} (-1: none), from that index's places. */
    private static int placeIn(int[] lastPlaces, int j) {
        return j < 0 ? -1 : lastPlaces == null ? j : lastPlaces[j];
    }

    /**
     * For each of {@code now}'s nodes, where the very same node is in {@code last} ({@link ByKey#match}'s answer):
     * when {@code now} is a group's list of this index and {@code last} the same group's list of the last one (the
     * classification's, scale-in's and instances' kept state after a pass at every scan), the places read off the
     * index's own match of all nodes; else matched afresh. Not to be written to.
     */
    public int[] pairing(List<NodeInfo> last, List<NodeInfo> now) {
        for (GroupNodes g : nodesByGroup.values()) {
            if (g.nodes == now) {
                return g.lastNodes == last && g.was != null ? g.wasTrimmed() : ByKey.match(last, now);
            }
        }
        return ByKey.match(last, now);
    }

    /** The pairing run by run: the patch's runs (made from the same pairing), else made here; null without one. */
    private static int[] runsOf(Patch patch, int[] was) {
        if (patch != null) {
            return patch.runs();
        }
        return was == null ? null : NodeEdits.runs(was);
    }

    /** The last index's map of nodes by instance id, taken over, or a new one. */
    private static ByKey<NodeInfo> nodesByInstance(SnapshotIndex previous) {
        return previous == null ? new ByKey<>(NodeInfo::instanceId) : previous.nodesByInstance;
    }

    private static Map<String, ByKey<CloudInstance>> instancesById(SnapshotIndex previous) {
        return previous == null ? new HashMap<>() : previous.instancesById;
    }

    /**
     * The pods the adapter handed node by node: a node whose list is the very object its kept load was built from
     * keeps that load without a look at its pods or a lookup.
     */
    private void indexPodsOfNodes(ClusterSnapshot snapshot, SnapshotIndex previous, int[] was) {
        List<NodeInfo> nodes = snapshot.nodes();
        List<List<PodInfo>> lastPods = previous == null ? null : previous.snapshot.podsOfNodes();
        for (int i = 0; i < nodes.size(); i++) {
            List<PodInfo> pods = snapshot.podsOfNodes().get(i);
            int j = was == null || lastPods == null ? -1 : was[i];
            if (j >= 0 && previous.nodePods[j] && lastPods.get(j) == pods) {
                // The same NodePods as the same node's last scan: its load, without a look at the object.
                nodePods[i] = true;
                loadOfNode[i] = previous.handedLoad[j];
                handedLoad[i] = previous.handedLoad[j];
                jobSecond[i] = previous.jobSecond[j];
                jobNano[i] = previous.jobNano[j];
                continue;
            }
            indexNodePods(i, nodes.get(i), pods, previous);
        }
    }

    /** The facts of the node at place {@code i} from its handed pods, built afresh. */
    private void indexNodePods(int i, NodeInfo node, List<PodInfo> pods, SnapshotIndex previous) {
        nodePods[i] = pods instanceof NodePods;
        jobSecond[i] = Long.MIN_VALUE;
        jobNano[i] = 0;
        if (pods.isEmpty()) {
            return;
        }
        NodeLoad load;
        if (pods instanceof NodePods handed) {
            // A new object means the node's pods changed: its load is built afresh, no need to look the old up.
            load = handed.load != null ? handed.load : loadOf(pods, null);
            handed.load = load;
        } else {
            load = loadOf(pods, previous == null ? null : previous.byName().get(node.name()));
        }
        loadOfNode[i] = load;
        handedLoad[i] = load;
        Instant latest = load.latestJobCreated();
        if (latest != null) {
            jobSecond[i] = latest.getEpochSecond();
            jobNano[i] = latest.getNano();
        }
    }

    /** A node's load from the pods handed for it (the kept one when they are its pods). */
    private static NodeLoad loadOf(List<PodInfo> pods, NodeLoad kept) {
        NodeLoad b = new NodeLoad(kept);
        List<PodInfo> jobs = new ArrayList<>(pods.size());
        for (PodInfo pod : pods) {
            if (countsAsJobPod(pod)) {
                jobs.add(pod);
            }
            if (holds(pod)) {
                b.add(pod);
            }
        }
        NodeLoad load = b.finish();
        load.keepJobPods(jobs);
        return load;
    }

    /** The snapshot's pods (all of them, or those the adapter did not hand node by node). */
    private void indexPods(List<PodInfo> pods, SnapshotIndex previous) {
        String lastNode = null;
        NodeLoad lastBound = null;
        GroupLists pending = new GroupLists(pendingByGroup);
        GroupLists jobPods = new GroupLists(flatJobPodsByGroup);
        Map<String, NodeLoad> handedByName = null;
        for (PodInfo pod : pods) {
            if (countsAsJobPod(pod)) {
                jobPods.add(pod);
            }
            if (pod.nodeName() != null) {
                if (holds(pod)) {
                    if (!pod.nodeName().equals(lastNode)) { // pods of one node often come in a row: one lookup
                        lastNode = pod.nodeName();
                        lastBound = flatBound.get(lastNode);
                        if (lastBound == null) {
                            handedByName = handedByName != null ? handedByName : handedByName();
                            lastBound = handedByName.get(lastNode); // refuses the pod below: finished already
                        }
                        if (lastBound == null) {
                            lastBound = new NodeLoad(
                                    previous == null ? null : previous.byName().get(lastNode));
                            flatBound.put(lastNode, lastBound);
                        }
                    }
                    lastBound.add(pod);
                }
            } else if (pod.phase() == PodPhase.PENDING_UNSCHEDULABLE && pod.group() != null) {
                pending.add(pod);
            }
        }
    }

    /** The loads of the nodes handed node by node, by name. */
    private Map<String, NodeLoad> handedByName() {
        Map<String, NodeLoad> out = new HashMap<>();
        for (int i = 0; i < handedLoad.length; i++) {
            if (handedLoad[i] != null) {
                out.put(snapshot.nodes().get(i).name(), handedLoad[i]);
            }
        }
        return out;
    }

    /** Every load by node name (the handed ones and those of the flat list, on nodes of the snapshot or not). */
    private Map<String, NodeLoad> byName() {
        if (boundByNode == null) {
            Map<String, NodeLoad> all = handedByName();
            all.putAll(flatBound);
            boundByNode = all;
        }
        return boundByNode;
    }

    private static boolean countsAsJobPod(PodInfo pod) {
        return pod.jobPod() && pod.group() != null && pod.phase() != PodPhase.FINISHED;
    }

    /** DaemonSet pods are counted as per-node overhead, not one by one; a Job pod always counts. */
    private static boolean holds(PodInfo pod) {
        return pod.phase().holdsNode() && (pod.jobPod() || !pod.daemonSetPod());
    }

    /** Adds pods to their group's list, looking the list up again only when the group changes from the last pod. */
    private static final class GroupLists {
        private final Map<String, List<PodInfo>> byGroup;
        private String lastGroup;
        private List<PodInfo> last;

        GroupLists(Map<String, List<PodInfo>> byGroup) {
            this.byGroup = byGroup;
        }

        void add(PodInfo pod) {
            if (last == null || !pod.group().equals(lastGroup)) {
                lastGroup = pod.group();
                last = byGroup.computeIfAbsent(lastGroup, g -> new ArrayList<>());
            }
            last.add(pod);
        }
    }

    public ClusterSnapshot snapshot() {
        return snapshot;
    }

    public List<NodeInfo> nodes(String group) {
        GroupNodes g = nodesByGroup.get(group);
        return g == null ? List.of() : g.nodes;
    }

    /**
     * Whether a pod bound to one of the group's nodes has required anti-affinity ({@link NodeLoad#antiAffinityPods}
     * of some load of {@link #loads}): counted as the index is built, from the loads that changed, so a pass need not
     * ask every node's load when none has (the usual case).
     */
    boolean antiAffinityOnNodes(String group) {
        GroupNodes g = nodesByGroup.get(group);
        return g != null && g.antiAffinityNodes > 0;
    }

    /**
     * Whether one of the group's nodes is Spot capacity or carries a Spot notice: counted as the index is built (a node
     * handed as the same object keeps its answer), so the loop need not read every node for notices when none is.
     */
    public boolean spotOnNodes(String group) {
        GroupNodes g = nodesByGroup.get(group);
        return g != null && g.spotNodes > 0;
    }

    /**
     * Whether one of the group's nodes carries a taint that filters pods other than Joblane's dedicated one ({@link
     * GroupNodes#factsOf}): counted as the index is built, so a pass need not read every node's taints when none has.
     */
    boolean taintsOnNodes(String group) {
        GroupNodes g = nodesByGroup.get(group);
        return g != null && g.taintedNodes > 0;
    }

    /**
     * Beside {@link #nodes(String)} one for one, what holds each node ({@link NodeLoad#NONE} when nothing does): the
     * planner reads a node's load by its position, not by its name. Not to be written to.
     */
    NodeLoad[] loads(String group) {
        GroupNodes g = nodesByGroup.get(group);
        return g == null ? new NodeLoad[0] : g.loads;
    }

    /** {@link GroupNodes#loadsChangedSince} of {@code group}'s {@link #loads}; null when not known. */
    int[] loadsChangedSince(String group, NodeLoad[] now, NodeLoad[] since, List<NodeInfo> sinceNodes) {
        GroupNodes g = nodesByGroup.get(group);
        return g == null ? null : g.loadsChangedSince(now, since, sinceNodes);
    }

    /** The same for {@link #instancesOf}'s answer {@code answer} against the earlier answer {@code since}. */
    int[] instancesChangedSince(CloudInstance[] answer, CloudInstance[] since) {
        return answer == since ? new int[0] : nodeInstances.changedSince(answer, since);
    }

    /** Pods holding the node (pending-bound, running, terminating), DaemonSet pods excluded. */
    public List<PodInfo> boundTo(String node) {
        NodeLoad bound = byName().get(node);
        return bound == null ? List.of() : bound.pods();
    }

    /** What holds the node (its pods and what is derived from them), {@link NodeLoad#NONE} when nothing does. */
    NodeLoad load(String node) {
        NodeLoad bound = byName().get(node);
        return bound == null ? NodeLoad.NONE : bound;
    }

    /** Unbound pods of the group that the scheduler marked unschedulable. */
    public List<PodInfo> pending(String group) {
        return pendingByGroup.getOrDefault(group, List.of());
    }

    /**
     * Job pods of the group that have not finished, bound or not: the arrivals scale-in's cost rule counts. Those
     * handed node by node first, in node order, then those of the flat pod list.
     */
    public List<PodInfo> jobPods(String group) {
        return jobPods(group, null);
    }

    /**
     * As {@link #jobPods(String)}, in the same order, but leaving out those handed node by node on a node none of
     * whose Job pods was created after {@code from} (null: none left out): the cost rule counts the arrivals of a
     * recent window, and most nodes had none; the arrivals then add up in the same order as over every Job pod.
     */
    List<PodInfo> jobPods(String group, Instant from) {
        List<PodInfo> out = new ArrayList<>();
        long fromSecond = from == null ? 0 : from.getEpochSecond();
        int fromNano = from == null ? 0 : from.getNano();
        for (int i = 0; i < handedLoad.length; i++) {
            NodeLoad load = handedLoad[i];
            // Instant.isAfter on the kept seconds and nanoseconds: a load with no recent arrival is not read.
            if (load == null
                    || from != null
                            && (jobSecond[i] < fromSecond || jobSecond[i] == fromSecond && jobNano[i] <= fromNano)) {
                continue;
            }
            String one = load.jobPodsGroup();
            if (one != null && !one.equals(group)) {
                continue;
            }
            for (PodInfo p : load.jobPodsHanded()) {
                if (one != null || p.group().equals(group)) {
                    out.add(p);
                }
            }
        }
        out.addAll(flatJobPodsByGroup.getOrDefault(group, List.of()));
        return out;
    }

    /** The pod's expected end: lanes' prediction for a bound pod when there are predictions, else what it carries. */
    public Instant expectedEnd(PodInfo pod) {
        return expectedEnds.isEmpty() || pod.nodeName() == null
                ? pod.expectedEnd()
                : expectedEnds.of(pod.uid(), pod.nodeName());
    }

    /**
     * The first object seen with the value of {@code r} (a few kept, across scans): a new node's usable room and the
     * DaemonSets' overhead are computed again at every pass, and the answers memoised on a kept load compare them by
     * identity first.
     */
    Resources canonical(Resources r) {
        for (Resources c : canonical) {
            if (c == r || c.equals(r)) {
                return c;
            }
        }
        if (canonical.size() < 16) {
            canonical.add(r);
        }
        return r;
    }

    /** {@link CloudGroup#capacityInstances}, once per description ({@link DescribeFacts}): asked at every scan. */
    public long capacityInstances(CloudGroup cloud) {
        return describeFacts.capacityInstances(cloud);
    }

    /** The group's InService instances without scale-in protection, in its order ({@link DescribeFacts}). */
    List<String> unprotectedInService(CloudGroup cloud) {
        return describeFacts.unprotectedInService(cloud);
    }

    /** The group's Terminating and Terminated instances, in its order ({@link DescribeFacts}). */
    public List<CloudInstance> endingInstances(CloudGroup cloud) {
        return describeFacts.endingInstances(cloud);
    }

    /**
     * The capacity instances of {@code instances} for which no node is registered (in any group), in their order:
     * the loop's bookkeeping, classification and cloud hygiene each ask it of the same describe, answered once.
     */
    public List<CloudInstance> nodeless(List<CloudInstance> instances) {
        return nodeless(instances, false);
    }

    /** As {@link #nodeless(List)} for the cloud group's description, whose ids are known to repeat or not. */
    public List<CloudInstance> nodeless(CloudGroup cloud) {
        return nodeless(cloud.instances(), idsUnique(cloud));
    }

    private List<CloudInstance> nodeless(List<CloudInstance> instances, boolean uniqueIds) {
        List<NodeInfo> nodes = snapshot.nodes();
        return nodelessInstances.of(instances, uniqueIds, nodes, this::nodesByInstance);
    }

    /**
     * Beside {@code nodes} one for one, the instance of each in the cloud group's description, null when none (no
     * instance id, or not in the group): what {@link #instancesById} says ({@link NodeInstances}).
     */
    CloudInstance[] instancesOf(List<NodeInfo> nodes, CloudGroup cloud) {
        return nodeInstances.of(this, nodes, cloud, instancesById(cloud), idsUnique(cloud));
    }

    /** Whether no instance id repeats in the cloud group's description (its map of instances brought to it first). */
    private boolean idsUnique(CloudGroup cloud) {
        instancesById(cloud);
        return !instancesById.get(cloud.id()).repeats();
    }

    /** What the scale-in step kept for {@code group} at the last scans (new for an index built without one). */
    ScaleInKept scaleInKept(String group) {
        return scaleInKept.computeIfAbsent(group, g -> new ScaleInKept());
    }

    /** The group's nodes counted by allocatable, brought to {@code nodes} (a list of the group's). */
    AllocatableCounts allocatableCounts(String group, List<NodeInfo> nodes) {
        AllocatableCounts counts = allocatableCounts.computeIfAbsent(group, g -> new AllocatableCounts());
        counts.update(this, nodes);
        return counts;
    }

    /** As {@link #canonical(Resources)}, for a pass's vector layout ({@link Dimensions#layout}). */
    String[] canonical(String[] layout) {
        for (String[] l : layouts) {
            if (java.util.Arrays.equals(l, layout)) {
                return l;
            }
        }
        if (layouts.size() < 16) {
            layouts.add(layout);
        }
        return layout;
    }

    /** The group's kept fit trees, the last used first ({@link KeptTree#take} orders and bounds them). */
    List<KeptTree> keptTrees(String group) {
        return keptTrees.computeIfAbsent(group, g -> new ArrayList<>(KeptTree.PER_GROUP));
    }

    /** What the group's last classification derived node by node (loop thread). */
    Classification.Kept keptClassification(String group) {
        return keptClassification.computeIfAbsent(group, g -> new Classification.Kept());
    }

    /** The cloud group's instance of that id as described, or null. */
    public CloudInstance instance(CloudGroup cloud, String instanceId) {
        return instancesById(cloud).get(instanceId);
    }

    /** The node registered for an instance, in any group, or null. */
    public NodeInfo nodeOfInstance(String instanceId) {
        return nodesByInstance().get(instanceId);
    }

    /** The nodes by instance id, updated from the last index's for the places the pairing left out. */
    private Map<String, NodeInfo> nodesByInstance() {
        return nodesByInstance.of(snapshot.nodes(), previousNodes, nodesRuns);
    }

    /** Whether a pod that blocks scale-in is bound to the node. */
    boolean holdsBlocking(NodeInfo node) {
        NodeLoad bound = byName().get(node.name());
        return bound != null && bound.blocking();
    }

    /**
     * The cloud group's instances by id: every pass of every step of a scan looks nodes' instances up in it. Kept
     * across scans, updated for the instances that changed since the last description; valid until the next call.
     */
    Map<String, CloudInstance> instancesById(CloudGroup cloud) {
        return instancesById
                .computeIfAbsent(cloud.id(), id -> new ByKey<>(CloudInstance::id))
                .of(cloud.instances());
    }
}
