package io.joblane.scaler.plan;

import io.joblane.scaler.cloud.AsgMember;
import io.joblane.scaler.cloud.AsgSplit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Step "scale out" of the planning pass: packs the waiting pods first-fit onto the bins, run by run of identical
 * requests, opening new bins of the new node's shape, and states the outcome: reclaim, scale up, wait, never fits,
 * cancel what nobody needs. The {@link FitTree} it leaves holds every bin's free capacity for the pack step.
 */
final class ScaleOut {
    private final PassInput in;
    private final NewNodeShape shape;
    private final Dimensions dims;
    private final int dimCount;
    private final List<Bin> bins;
    private final Classification classified; // where the bins come from: their nodes' positions

    private final List<PodInfo> pending;
    private final List<PlanAction> actions = new ArrayList<>();
    private final int existing;
    /** Taken when first used: a pass with no waiting pod whose drain choosing stops early reloads none of it. */
    private FitTree tree;
    /** What an empty new node of the first kind offers pods: the yardstick of the packing order. */
    private final long[] template;

    private final long[] demands;
    private final boolean[] used;
    private final int maxSize;
    /** New bins from this index on stay unlaunched: the group would go above its maximum. */
    private final int capLimit;

    private final List<PodInfo> onIncoming = new ArrayList<>();
    private final List<PodInfo> capped = new ArrayList<>();
    private final List<PodInfo> newNodePods = new ArrayList<>();
    private final Map<String, NodeInfo> reclaimed = new LinkedHashMap<>();
    /** Per node of the group, at its position: waiting pods were placed on it. */
    private final boolean[] needed;

    private int[] order;
    /** Pods with placement constraints, in packing order: packed one by one before the runs (see packConstrained). */
    private int[] constrainedOrder = new int[0];
    /** Per pending pod: it fits some but not every instance type of a kind of new node ({@link #fitsSomeTypesOnly}). */
    private boolean[] picky = new boolean[0];
    /** The places of constrained packing; null when no waiting pod has constraints (the common, fast case). */
    private Topology topology;
    /** Per zone, the new nodes the constraints of waiting pods put there (the cloud may choose otherwise). */
    private final Map<String, Integer> newNodesByZone = new java.util.TreeMap<>();
    /** Per new bin (from {@link #existing} on), its kind of new node and whether the group's or kind's room is out. */
    private final List<Integer> newKinds = new ArrayList<>();

    private final List<Boolean> newCapped = new ArrayList<>();
    /** Per kind of new node: new nodes its member Auto Scaling groups still have room for (unbounded for one group). */
    private final int[] kindRoom;
    /** Per kind of new node: the new nodes within room, and how many of them the pods need in which zone. */
    private final int[] freshOfKind;

    private final List<Map<String, Integer>> kindZones = new ArrayList<>();
    /** The taints beyond the group's own of the nodes and kinds of new node: pods are checked against them. */
    private final BinTaints taints;

    private long[] minDemand;
    /** Asked only for pods nothing takes: computed then ({@link #emptyShapes()}), not at every pass. */
    private List<long[]> emptyShapes;

    private int opened;
    private int neverFit;
    private int onExisting;
    private int onNew;

    private ScaleOut(PassInput in, NewNodeShape shape, Classification classified, List<PodInfo> pending) {
        this.in = in;
        this.shape = shape;
        this.dims = shape.dims();
        this.dimCount = dims.count();
        this.classified = classified;
        this.bins = classified.bins();
        this.pending = pending;
        this.existing = bins.size();
        if (!pending.isEmpty()) {
            tree(); // taken now for packing; without waiting pods when the drain choosing first needs it
        }
        this.template = shape.freeWhenNew(0);
        this.demands = new long[pending.size() * dimCount];
        this.used = new boolean[existing];
        this.needed = new boolean[in.index().nodes(in.spec().name()).size()];
        this.maxSize = Math.min(in.spec().maxNodes(), in.cloud().max());
        this.capLimit = Math.max(0, maxSize - in.cloud().desired());
        this.kindRoom = new int[shape.kinds()];
        this.freshOfKind = new int[shape.kinds()];
        for (int k = 0; k < kindRoom.length; k++) {
            kindRoom[k] =
                    roomOf(in.kinds().isEmpty() ? List.of() : in.kinds().get(k).asgs());
            kindZones.add(new java.util.TreeMap<>());
        }
        this.taints = new BinTaints(in, bins);
    }

    /** New nodes the named member Auto Scaling groups have room for; unbounded for a group of one cloud group. */
    private int roomOf(List<String> asgs) {
        if (asgs.isEmpty()) {
            return Integer.MAX_VALUE;
        }
        int room = 0;
        for (AsgMember m : in.cloud().members()) {
            if (asgs.contains(m.id())) {
                room += Math.max(0, m.max() - m.desired());
            }
        }
        return room;
    }

    static ScaleOut plan(PassInput in, NewNodeShape shape, Classification classified, List<PodInfo> pending) {
        ScaleOut s = new ScaleOut(in, shape, classified, pending);
        s.orderPending();
        s.packConstrained();
        s.packAll();
        s.reclaim();
        s.tellWaiting();
        s.scaleUp();
        s.cancelUnfulfilled();
        return s;
    }

    List<PlanAction> actions() {
        return actions;
    }

    /** Every bin's free capacity after packing: existing bins first, new ones after. */
    FitTree tree() {
        if (tree == null) { // room for a few new nodes; it grows if the pods need more (most scans open none)
            tree = KeptTree.take(in, shape, bins, existing + Math.min(pending.size(), 64));
        }
        return tree;
    }

    /** The number of bins that existed before packing (nodes and capacity on its way). */
    int existing() {
        return existing;
    }

    /** Per node of the group, at its position ({@link Bin#at}): whether waiting pods were placed on it. */
    boolean[] needed() {
        return needed;
    }

    /** Whether the group grows this scan (new nodes or nodes taken back): then nothing is drained. */
    boolean growing() {
        return opened > 0 || !reclaimed.isEmpty();
    }

    int opened() {
        return opened;
    }

    int neverFit() {
        return neverFit;
    }

    int onExisting() {
        return onExisting;
    }

    /** Per zone, the new nodes waiting pods' constraints need in that zone (empty when no pod needs a zone). */
    Map<String, Integer> newNodesByZone() {
        return newNodesByZone;
    }

    /** Fills the pods' demand vectors and sorts them largest first; notes the smallest demand per dimension. */
    private void orderPending() {
        double[] size = new double[pending.size()];
        for (int p = 0; p < pending.size(); p++) {
            dims.addDemand(pending.get(p).requests(), demands, p * dimCount);
            double share = 0;
            for (int d = 0; d < dimCount; d++) {
                long cap = template[d] > 0 ? template[d] : 1;
                share = Math.max(share, (double) demands[p * dimCount + d] / cap);
            }
            size[p] = share;
        }
        order = LargestFirst.order(pending, demands, size, dimCount);
        splitConstrained();
        minDemand = new long[dimCount];
        Arrays.fill(minDemand, pending.isEmpty() ? 0 : Long.MAX_VALUE);
        for (int i = 0; i < demands.length; i++) {
            minDemand[i % dimCount] = Math.min(minDemand[i % dimCount], demands[i]);
        }
    }

    /** Moves the pods with constraints out of {@link #order} into {@link #constrainedOrder}; one cheap check first. */
    private void splitConstrained() {
        picky = new boolean[pending.size()];
        boolean[] oneByOne = new boolean[pending.size()];
        int constrained = 0;
        // The bins' loads are the group's: when none of those holds such a pod, only the waiting ones are looked at.
        List<PodInfo> antiAffinity = Topology.antiAffinityHolders(
                in.index().antiAffinityOnNodes(in.spec().name()) ? bins : List.of(), pending);
        for (int p = 0; p < pending.size(); p++) {
            picky[p] = shape.kinds() > 1 && fitsSomeTypesOnly(p * dimCount);
            // A pod that does not tolerate some kind's taints may not go to every bin, as a pod with constraints; so
            // does a pod some other pod's anti-affinity keeps out of its domain.
            oneByOne[p] = pending.get(p).constrained()
                    || picky[p]
                    || taints.any() && !taints.toleratedEverywhere(pending.get(p))
                    || !antiAffinity.isEmpty() && Topology.selectedByAntiAffinity(pending.get(p), antiAffinity);
            constrained += oneByOne[p] ? 1 : 0;
        }
        if (constrained == 0) {
            return;
        }
        int[] free = new int[order.length - constrained];
        constrainedOrder = new int[constrained];
        int f = 0;
        int c = 0;
        for (int idx : order) {
            if (oneByOne[idx]) {
                constrainedOrder[c++] = idx;
            } else {
                free[f++] = idx;
            }
        }
        order = free;
    }

    /**
     * The kind of new node a bin is (its node's Auto Scaling group's, capacity on its way's, a new bin's), whose
     * template taints its node carries; -1 for a node of no known member Auto Scaling group.
     */
    private int kindOfBin(int b) {
        if (b >= existing) {
            return newKinds.get(b - existing);
        }
        Bin bin = bins.get(b);
        if (bin.node() == null || bin.uninitialised() || shape.kinds() == 1) {
            return bin.newNodeKind();
        }
        String id = bin.node().instanceId();
        return id == null ? -1 : in.kindOfInstance().getOrDefault(id, -1);
    }

    /** Whether the pod tolerates the bin's taints: its kind's template taints and, for a node, the node's own. */
    private boolean binTolerates(int b, PodInfo pod) {
        return !taints.any() || taints.tolerated(b < existing ? b : -1, kindOfBin(b), pod);
    }

    /** The distinct capacities of the group's nodes when empty (minus overhead): usually one or two shapes. */
    private List<long[]> emptyShapes() {
        if (emptyShapes == null) {
            emptyShapes = distinctEmptyCapacities();
        }
        return emptyShapes;
    }

    /** {@link #emptyShapes()} computed: the bins' nodes' allocatables, each distinct one once, in bin order. */
    private List<long[]> distinctEmptyCapacities() {
        List<long[]> out = new ArrayList<>();
        Set<Resources> seen = new HashSet<>();
        Resources last = null;
        for (int b = 0; b < existing; b++) {
            NodeInfo n = bins.get(b).node();
            // Nodes of one shape mostly share the object, in a row: the set is asked once per run.
            if (n != null && n.allocatable() != last && seen.add(last = n.allocatable())) {
                out.add(shape.freeWhenEmpty(n.allocatable()));
            }
        }
        return out;
    }

    private void packAll() {
        int k = 0;
        while (k < order.length) {
            int end = k + 1;
            int off = order[k] * dimCount;
            while (end < order.length
                    && Arrays.equals(
                            demands,
                            off,
                            off + dimCount,
                            demands,
                            order[end] * dimCount,
                            order[end] * dimCount + dimCount)) {
                end++;
            }
            packRun(k, end);
            k = end;
        }
    }

    /** A run of pods with identical requests: fills each bin found with as many as fit, in one step. */
    private void packRun(int start, int end) {
        int off = order[start] * dimCount;
        int next = start;
        int from = 0; // bins left of the last one used were too small for this run and only shrank
        while (next < end) {
            int bin = tree.findFirst(demands, off, from);
            if (bin < 0) {
                int kind = kindFor(off);
                if (kind < 0) {
                    refuse(next, end, off);
                    break;
                }
                next += openFull(kind, off, next, end);
                bin = open(kindFor(off)); // the kind's room may have run out
            }
            from = bin;
            int n = (int) Math.min(end - next, tree.fitCount(bin, demands, off));
            tree.take(bin, demands, off, n);
            tree.closeIfBelow(bin, minDemand); // full bins leave the search for good
            placed(bin, next, n);
            next += n;
        }
    }

    /**
     * A new node of kind {@code k} takes the demand at {@code off} (its DaemonSet overhead leaves room), whichever of
     * its ASGs' instance types the cloud launches.
     */
    private boolean newNodeTakes(int k, int off) {
        if (!takes(shape.freeWhenNew(k), off)) {
            return false;
        }
        for (long[] type : shape.freeWhenNewOfEveryType(k)) {
            if (!takes(type, off)) {
                return false;
            }
        }
        return true;
    }

    private boolean takes(long[] free, int off) {
        for (long v : free) {
            if (v < 0) {
                return false;
            }
        }
        return dims.covers(free, 0, demands, off);
    }

    /**
     * The kind of new node for a demand: the first, in the file's order of the Auto Scaling groups, that takes it and
     * has room; else the first that takes it (its node is then capped); -1 when none takes it.
     */
    private int kindFor(int off) {
        int full = -1;
        for (int k = 0; k < shape.kinds(); k++) {
            if (newNodeTakes(k, off)) {
                if (kindRoom[k] > 0) {
                    return k;
                }
                full = full < 0 ? k : full;
            }
        }
        return full;
    }

    /**
     * Opens in one tree write the new bins of kind {@code k} that a run's pods {@code next .. end} fill before its last
     * (at its maximum a group opens thousands a pass), each as full as one by one; stops where the kind's room runs out
     * ({@link #kindFor} may then choose another). Returns the pods placed.
     */
    private int openFull(int k, int off, int next, int end) {
        long[] room = shape.freeWhenNew(k).clone();
        long each = tree.fitCount(room, demands, off);
        boolean hadRoom = kindRoom[k] > 0;
        int first = existing + opened;
        int placed = 0;
        while (each > 0 && end - next - placed > each && (!hadRoom || kindRoom[k] > 0)) {
            placed(addNewBin(k), next + placed, (int) each);
            placed += (int) each;
        }
        if (placed > 0) {
            for (int d = 0; d < dimCount; d++) {
                room[d] -= each * demands[off + d];
            }
            tree.setRun(first, existing + opened - first, room, minDemand);
        }
        return placed;
    }

    /** Opens a new bin of kind {@code k} ({@link #addNewBin}) and writes its room in the tree. */
    private int open(int k) {
        int bin = addNewBin(k);
        tree.set(bin, shape.freeWhenNew(k), 0);
        return bin;
    }

    /** A new bin of kind {@code k}, its room not written; beyond the group's maximum or the kind's room it is capped. */
    private int addNewBin(int k) {
        int bin = existing + opened;
        boolean cappedBin = opened >= capLimit || kindRoom[k] <= 0;
        if (!cappedBin) {
            kindRoom[k]--;
            freshOfKind[k]++;
        }
        newKinds.add(k);
        newCapped.add(cappedBin);
        opened++;
        return bin;
    }

    /** Pods of a run that no bin and no new node takes: reported if no empty node fits them, else they wait. */
    private void refuse(int next, int end, int off) {
        for (long[] c : emptyShapes()) {
            if (dims.covers(c, 0, demands, off)) {
                return; // fits only a node that is busy now, and waits for it
            }
        }
        for (int r = next; r < end; r++) {
            refusedForRequests(pending.get(order[r]));
        }
    }

    private void refusedForRequests(PodInfo pod) {
        neverFit++;
        actions.add(new PlanAction.PodNeverFits(
                pod,
                PlanAction.NeverFitReason.EXCEEDS_EMPTY_NODE,
                "requests " + pod.requests()
                        + " exceed an empty node of group " + in.spec().name()
                        + (shape.kinds() == 1
                                ? " (" + shape.allocatable() + " minus DaemonSet overhead " + shape.overhead() + ")"
                                : " of every kind: " + NewNodeKind.shapes(in.kinds(), shape.kinds()))));
    }

    /** Records that pods {@code next .. next+n} of the packing order went to {@code bin}. */
    private void placed(int bin, int next, int n) {
        List<PodInfo> into = countPlaced(bin, n);
        if (into != null) {
            examples(next, n, into);
        }
    }

    /** Counts {@code n} pods placed on {@code bin}; returns the list of examples they belong to, or null. */
    private List<PodInfo> countPlaced(int bin, int n) {
        if (bin >= existing) {
            onNew += n;
            return newCapped.get(bin - existing) ? capped : newNodePods;
        }
        used[bin] = true;
        onExisting += n;
        Bin b = bins.get(bin);
        if (b.node() != null) {
            needed[classified.at(bin)] = true;
            if (b.kind() == Bin.Kind.RECLAIMABLE) {
                reclaimed.put(b.node().name(), b.node());
            }
        }
        return b.kind() == Bin.Kind.INCOMING ? onIncoming : null;
    }

    /**
     * Packs the pods with constraints one by one, before the runs of the others: each on the first bin that has room
     * and whose labels, zone and neighbours its constraints allow ({@link Topology}), else on a new node of the
     * group if a new node can satisfy them (in the zone they need), else reported. Linear in the bins per pod,
     * which only these pods pay.
     */
    private void packConstrained() {
        if (constrainedOrder.length == 0) {
            return;
        }
        topology = ConstrainedPlaces.of(in, bins);
        for (int idx : constrainedOrder) {
            int off = idx * dimCount;
            PodInfo pod = pending.get(idx);
            int bin = firstAdmitting(pod, off);
            if (bin < 0) {
                bin = openAdmitting(pod, off);
            }
            if (bin < 0) {
                refuseConstrained(pod, off);
                continue;
            }
            // A new node's zone is fixed only by a pod that cares; the others leave it to the split and the cloud.
            String zone = topology.zoneMatters(pod) ? topology.admit(pod, bin) : null;
            boolean newZone = bin >= existing && topology.zoneOf(bin) == null;
            topology.place(pod, bin, zone);
            if (newZone && topology.zoneOf(bin) != null) {
                newNodesByZone.merge(topology.zoneOf(bin), 1, Integer::sum);
                if (!newCapped.get(bin - existing)) {
                    kindZones.get(newKinds.get(bin - existing)).merge(topology.zoneOf(bin), 1, Integer::sum);
                }
            }
            tree.take(bin, demands, off, 1);
            tree.closeIfBelow(bin, minDemand);
            List<PodInfo> into = countPlaced(bin, 1);
            if (into != null && into.size() < PlanAction.ScaleUp.MAX_EXAMPLES) {
                into.add(pod);
            }
        }
    }

    /**
     * A new node for a constrained pod that no existing bin takes: of the first kind, in the file's order, that has
     * room, takes its requests and whose labels and zones its constraints allow; else of the first such kind without
     * room (capped). Returns the new bin, or -1 when no kind of new node would do.
     */
    private int openAdmitting(PodInfo pod, int off) {
        for (boolean needRoom : new boolean[] {true, false}) {
            for (int k = 0; k < shape.kinds(); k++) {
                if (needRoom != kindRoom[k] > 0
                        || !newNodeTakes(k, off)
                        || in.kinds().get(k).untolerated(pod.constraints()) != null) {
                    continue;
                }
                NewNodeKind kind = in.kinds().get(k);
                int place = topology.add(kind.labels(), null, List.of(), kind.zones());
                if (topology.admit(pod, place) != null) {
                    return open(k);
                }
                topology.removeLast(); // a new node of this kind would not do either
            }
        }
        return -1;
    }

    /** The first constraint of the pod a new node of kind {@code k} fails in every zone it may get, else null. */
    private String unmetByNewNode(PodInfo pod, int k) {
        io.joblane.model.config.Taint taint = in.kinds().get(k).untolerated(pod.constraints());
        return taint != null ? "taint " + NewNodeKind.text(taint) + " (not tolerated)" : unmetBesidesTaints(pod, k);
    }

    /** As {@link #unmetByNewNode}, leaving taints aside. */
    private String unmetBesidesTaints(PodInfo pod, int k) {
        NewNodeKind kind = in.kinds().get(k);
        List<String> zones = kind.zones();
        if (zones.isEmpty()) {
            return NodeFit.unmet(pod.constraints(), kind.labels(), true);
        }
        String unmet = null;
        for (String z : zones) {
            Map<String, String> labels = new LinkedHashMap<>(kind.labels());
            labels.put(NodeFit.ZONE, z);
            unmet = NodeFit.unmet(pod.constraints(), labels, false);
            if (unmet == null) {
                return null;
            }
        }
        return unmet;
    }

    /** The first bin with room for the pod that its constraints allow, or -1. */
    private int firstAdmitting(PodInfo pod, int off) {
        int all = existing + opened;
        boolean checkTypes = picky[off / dimCount];
        for (int b = 0; b < all; b++) {
            if (tree.fitsOne(b, demands, off)
                    && (!checkTypes || takesWhateverType(b, off))
                    && binTolerates(b, pod)
                    && topology.admit(pod, b) != null) {
                return b;
            }
        }
        return -1;
    }

    /**
     * Whether a demand fits some but not every instance type of a kind's ASGs: such a pod goes only to nodes and to
     * capacity whose every possible type takes it, so it is packed one by one with the constrained pods.
     */
    private boolean fitsSomeTypesOnly(int off) {
        for (int k = 0; k < shape.kinds(); k++) {
            if (takes(shape.freeWhenNew(k), off) != newNodeTakes(k, off)) {
                return true;
            }
        }
        return false;
    }

    /** A bin takes the demand whichever type it turns out to be: a node's is known, capacity on its way's is not. */
    private boolean takesWhateverType(int b, int off) {
        if (b >= existing) {
            return newNodeTakes(newKinds.get(b - existing), off);
        }
        Bin bin = bins.get(b);
        return bin.node() != null && !bin.uninitialised() || newNodeTakes(bin.newNodeKind(), off);
    }

    /**
     * A constrained pod no bin and no new node takes: silent when it only waits for room on a node its constraints
     * allow (as {@link #refuse} for requests), else reported with the constraint that no node meets.
     */
    private void refuseConstrained(PodInfo pod, int off) {
        if (kindFor(off) < 0) {
            boolean fitsEmptyNode = emptyShapes().stream().anyMatch(c -> dims.covers(c, 0, demands, off));
            if (!fitsEmptyNode) {
                refusedForRequests(pod);
                return;
            }
        }
        for (int b = 0; b < existing; b++) {
            NodeInfo n = bins.get(b).node();
            if (n != null
                    && NodeFit.labelsMatch(pod.constraints(), n.labels())
                    && binTolerates(b, pod)
                    && dims.covers(shape.freeWhenEmpty(n.allocatable()), 0, demands, off)) {
                return; // a node it may use is busy now: it waits for it
            }
        }
        neverFit++;
        actions.add(new PlanAction.PodNeverFits(
                pod,
                onlyTaintsRefuse(pod, off)
                        ? PlanAction.NeverFitReason.UNTOLERATED_TAINTS
                        : PlanAction.NeverFitReason.CONSTRAINTS,
                shape.kinds() == 1 ? unmetByTheNewNode(pod) : unmetByEveryKind(pod, off)));
    }

    /** Whether some kind of new node would take the pod but for a taint it does not tolerate. */
    private boolean onlyTaintsRefuse(PodInfo pod, int off) {
        for (int k = 0; k < shape.kinds(); k++) {
            if (newNodeTakes(k, off)
                    && in.kinds().get(k).untolerated(pod.constraints()) != null
                    && unmetBesidesTaints(pod, k) == null) {
                return true;
            }
        }
        return false;
    }

    private String unmetByTheNewNode(PodInfo pod) {
        String unmet = unmetByNewNode(pod, 0);
        return "no node of group " + in.spec().name() + " and no new one satisfies "
                + (unmet != null ? unmet : "its pod anti-affinity or topology spread")
                + "; new nodes have labels " + in.kinds().get(0).labels()
                + (in.kinds().get(0).zones().isEmpty()
                        ? ""
                        : " in zone(s) " + in.kinds().get(0).zones());
    }

    /** Per kind of new node (its Auto Scaling groups), what keeps it from taking the pod. */
    private String unmetByEveryKind(PodInfo pod, int off) {
        List<String> why = new ArrayList<>();
        for (int k = 0; k < shape.kinds(); k++) {
            NewNodeKind kind = in.kinds().get(k);
            String unmet = newNodeTakes(k, off) ? unmetByNewNode(pod, k) : "requests " + pod.requests();
            why.add(kind.describe() + ": " + (unmet != null ? unmet : "its pod anti-affinity or topology spread")
                    + " (labels " + new java.util.TreeMap<>(kind.labels())
                    + (kind.zones().isEmpty() ? "" : " in zone(s) " + kind.zones())
                    + ")");
        }
        return "no node of group " + in.spec().name() + " and no new one of any of its Auto Scaling groups takes it: "
                + String.join("; ", why);
    }

    /** Adds pods {@code from .. from+n} of the packing order to {@code into}, up to the events' example limit. */
    private void examples(int from, int n, List<PodInfo> into) {
        for (int r = from; r < from + n && into.size() < PlanAction.ScaleUp.MAX_EXAMPLES; r++) {
            into.add(pending.get(order[r]));
        }
    }

    private void reclaim() {
        for (NodeInfo n : reclaimed.values()) {
            actions.add(new PlanAction.Reclaim(
                    n.name(), "waiting pods of group " + in.spec().name() + " fit on it"));
        }
    }

    private void tellWaiting() {
        if (!onIncoming.isEmpty()) {
            actions.add(new PlanAction.PodsWaiting(
                    PlanAction.WaitReason.CAPACITY_COMING,
                    onIncoming,
                    "capacity already on its way in node group " + in.spec().name() + " will take it"));
        }
        if (!capped.isEmpty()) {
            actions.add(new PlanAction.PodsWaiting(
                    PlanAction.WaitReason.AT_MAX,
                    capped,
                    "node group " + in.spec().name() + " is at its maximum of " + maxSize + " node(s)"));
        }
    }

    private void scaleUp() {
        int desired = in.cloud().desired();
        int fresh = 0;
        for (int f : freshOfKind) {
            fresh += f;
        }
        int target = Math.min(maxSize, desired + fresh);
        target = Math.max(target, Math.min(maxSize, in.floor()));
        if (target <= desired) {
            return;
        }
        Map<String, Integer> asgs = in.cloud().members().isEmpty() ? Map.of() : splitAmongAsgs(target - desired);
        if (!asgs.isEmpty()) {
            target = desired;
            for (AsgMember m : in.cloud().members()) {
                target += asgs.getOrDefault(m.id(), m.desired()) - m.desired();
            }
        }
        actions.add(new PlanAction.ScaleUp(
                desired,
                target,
                onNew,
                newNodePods,
                newNodesByZone,
                asgs,
                (opened > 0
                                ? opened + " new node(s) for " + onNew + " waiting pod(s)"
                                        + (opened > fresh ? ", capped at max " + maxSize : "")
                                : "raising to the group minimum " + in.floor())
                        + zonesWanted()
                        + asgsRaised(asgs)));
    }

    /**
     * The new desired size of each member Auto Scaling group raised: each kind's new nodes among its own members (the
     * zones its pods need to the members there), balanced by {@link AsgSplit}; what is left (the group minimum) among
     * all members.
     */
    private Map<String, Integer> splitAmongAsgs(int increase) {
        Map<String, Integer> desired = new LinkedHashMap<>();
        in.cloud().members().forEach(m -> desired.put(m.id(), m.desired()));
        int left = increase;
        for (int k = 0; k < freshOfKind.length && left > 0; k++) {
            int n = Math.min(left, freshOfKind[k]);
            left -= raise(desired, in.kinds().get(k).asgs(), n, kindZones.get(k));
        }
        if (left > 0) {
            raise(desired, List.copyOf(desired.keySet()), left, Map.of());
        }
        Map<String, Integer> raised = new LinkedHashMap<>();
        for (AsgMember m : in.cloud().members()) {
            if (desired.get(m.id()) > m.desired()) {
                raised.put(m.id(), desired.get(m.id()));
            }
        }
        return raised;
    }

    /** Adds {@code n} nodes among {@code asgs} (updating {@code desired}); returns how many found room. */
    private int raise(Map<String, Integer> desired, List<String> asgs, int n, Map<String, Integer> zones) {
        if (n <= 0) {
            return 0;
        }
        List<AsgSplit.Member> members = new ArrayList<>();
        for (AsgMember m : in.cloud().members()) {
            if (asgs.contains(m.id())) {
                members.add(new AsgSplit.Member(m.id(), desired.get(m.id()), m.max(), m.zones()));
            }
        }
        int added = 0;
        for (Map.Entry<String, Integer> e : AsgSplit.raise(members, n, zones).entrySet()) {
            added += e.getValue() - desired.get(e.getKey());
            desired.put(e.getKey(), e.getValue());
        }
        return added;
    }

    /** What the reason says of the member Auto Scaling groups raised, e.g. "; raise eks-a 1 -> 2, eks-b 0 -> 1". */
    private String asgsRaised(Map<String, Integer> asgs) {
        if (asgs.isEmpty()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        for (AsgMember m : in.cloud().members()) {
            if (asgs.containsKey(m.id())) {
                parts.add(m.id() + " " + m.desired() + " -> " + asgs.get(m.id()));
            }
        }
        return "; raise Auto Scaling group(s) " + String.join(", ", parts);
    }

    /** What the reason says of zones: those the pods need, and that a multi-zone cloud group picks for itself. */
    private String zonesWanted() {
        if (newNodesByZone.isEmpty()) {
            return "";
        }
        return "; waiting pods need new node(s) per zone " + newNodesByZone
                + (in.cloud().zones().size() > 1 && !in.cloud().zonesChoosable()
                        ? " but the cloud group balances zones " + in.cloud().zones()
                                + " itself, so a new node may start in another zone"
                        : "");
    }

    /** Lowers desired by the capacity asked for that never launched and that no waiting pod was placed on. */
    private void cancelUnfulfilled() {
        int unusedGap = 0;
        for (int b = classified.notLaunchedFrom(); b < existing; b++) { // the bins before it have a node or instance
            Bin bin = bins.get(b);
            if (!used[b] && bin.kind() == Bin.Kind.INCOMING && bin.node() == null && bin.instanceId() == null) {
                unusedGap++;
            }
        }
        int desired = in.cloud().desired();
        int keep = Math.max(in.floor(), desired - unusedGap);
        if (opened == 0 && keep < desired) {
            actions.add(new PlanAction.CancelUnfulfilled(
                    desired, keep, unusedGap + " node(s) asked for, never launched, not needed by any waiting pod"));
        }
    }
}
