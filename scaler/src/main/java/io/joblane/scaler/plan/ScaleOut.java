package io.joblane.scaler.plan;

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
    private final List<PodInfo> pending;
    private final List<PlanAction> actions = new ArrayList<>();
    private final int existing;
    private final FitTree tree;
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
    private final Set<String> needed = new HashSet<>();
    private int[] order;
    /** Pods with placement constraints, in packing order: packed one by one before the runs (see packConstrained). */
    private int[] constrainedOrder = new int[0];
    /** The places of constrained packing; null when no waiting pod has constraints (the common, fast case). */
    private Topology topology;
    /** Per zone, the new nodes the constraints of waiting pods put there (the cloud may choose otherwise). */
    private final Map<String, Integer> newNodesByZone = new java.util.TreeMap<>();

    private long[] minDemand;
    private List<long[]> emptyShapes;
    private int opened;
    private int neverFit;
    private int onExisting;
    private int onNew;

    private ScaleOut(PassInput in, NewNodeShape shape, List<Bin> bins, List<PodInfo> pending) {
        this.in = in;
        this.shape = shape;
        this.dims = shape.dims();
        this.dimCount = dims.count();
        this.bins = bins;
        this.pending = pending;
        this.existing = bins.size();
        this.tree = new FitTree(dimCount, existing + pending.size());
        this.template = shape.freeWhenEmpty(shape.allocatable());
        this.demands = new long[pending.size() * dimCount];
        this.used = new boolean[existing];
        this.maxSize = Math.min(in.spec().maxNodes(), in.cloud().max());
        this.capLimit = Math.max(0, maxSize - in.cloud().desired());
    }

    static ScaleOut plan(PassInput in, NewNodeShape shape, List<Bin> bins, List<PodInfo> pending) {
        ScaleOut s = new ScaleOut(in, shape, bins, pending);
        s.fillTree();
        s.orderPending();
        s.emptyShapes = s.distinctEmptyCapacities();
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
        return tree;
    }

    /** The number of bins that existed before packing (nodes and capacity on its way). */
    int existing() {
        return existing;
    }

    /** Names of the nodes waiting pods were placed on. */
    Set<String> needed() {
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

    private void fillTree() {
        for (int b = 0; b < existing; b++) {
            Bin bin = bins.get(b);
            long[] free;
            if (bin.node() == null) {
                free = template;
            } else if (bin.uninitialised()) {
                free = template.clone();
                dims.subtractBound(in.index().boundTo(bin.node().name()), free);
            } else {
                free = shape.freeWhenEmpty(bin.node().allocatable());
                dims.subtractBound(in.index().boundTo(bin.node().name()), free);
            }
            tree.load(b, free, 0);
        }
        tree.build();
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
        int constrained = 0;
        for (PodInfo p : pending) {
            if (p.constrained()) {
                constrained++;
            }
        }
        if (constrained == 0) {
            return;
        }
        int[] free = new int[order.length - constrained];
        constrainedOrder = new int[constrained];
        int f = 0;
        int c = 0;
        for (int idx : order) {
            if (pending.get(idx).constrained()) {
                constrainedOrder[c++] = idx;
            } else {
                free[f++] = idx;
            }
        }
        order = free;
    }

    /** The distinct capacities of the group's nodes when empty (minus overhead): usually one or two shapes. */
    private List<long[]> distinctEmptyCapacities() {
        List<long[]> out = new ArrayList<>();
        Set<Resources> seen = new HashSet<>();
        for (int b = 0; b < existing; b++) {
            NodeInfo n = bins.get(b).node();
            if (n != null && seen.add(n.allocatable())) {
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
                if (!templateUsable() || !dims.covers(template, 0, demands, off)) {
                    refuse(next, end, off);
                    break;
                }
                bin = existing + opened;
                opened++;
                tree.set(bin, template, 0);
            }
            from = bin;
            int n = (int) Math.min(end - next, tree.fitCount(bin, demands, off));
            tree.take(bin, demands, off, n);
            tree.closeIfBelow(bin, minDemand); // full bins leave the search for good
            placed(bin, next, n);
            next += n;
        }
    }

    /** A new node has room for pods at all (the DaemonSet overhead does not exceed it). */
    private boolean templateUsable() {
        for (long v : template) {
            if (v < 0) {
                return false;
            }
        }
        return true;
    }

    /** Pods of a run that no bin and no new node takes: reported if no empty node fits them, else they wait. */
    private void refuse(int next, int end, int off) {
        for (long[] c : emptyShapes) {
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
                        + " exceed an empty node of group " + in.spec().name() + " (" + shape.allocatable()
                        + " minus DaemonSet overhead " + shape.overhead() + ")"));
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
            return bin - existing >= capLimit ? capped : newNodePods;
        }
        used[bin] = true;
        onExisting += n;
        Bin b = bins.get(bin);
        if (b.node() != null) {
            needed.add(b.node().name());
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
            if (bin < 0 && templateUsable() && dims.covers(template, 0, demands, off)) {
                bin = existing + opened;
                topology.add(in.spec().nodeLabels(), null, List.of());
                if (topology.admit(pod, bin) == null) {
                    topology.removeLast(); // a new node would not do either
                    bin = -1;
                } else {
                    opened++;
                    tree.set(bin, template, 0);
                }
            }
            if (bin < 0) {
                refuseConstrained(pod, off);
                continue;
            }
            String zone = topology.admit(pod, bin);
            boolean newZone = bin >= existing && topology.zoneOf(bin) == null;
            topology.place(pod, bin, zone);
            if (newZone && topology.zoneOf(bin) != null) {
                newNodesByZone.merge(topology.zoneOf(bin), 1, Integer::sum);
            }
            tree.take(bin, demands, off, 1);
            tree.closeIfBelow(bin, minDemand);
            List<PodInfo> into = countPlaced(bin, 1);
            if (into != null && into.size() < PlanAction.ScaleUp.MAX_EXAMPLES) {
                into.add(pod);
            }
        }
    }

    /** The first constraint of the pod a new node of the group fails in every zone it may get, else null. */
    private String unmetByNewNode(PodInfo pod) {
        List<String> zones = in.cloud().zones();
        if (zones.isEmpty()) {
            return NodeFit.unmet(pod.constraints(), in.spec().nodeLabels(), true);
        }
        String unmet = null;
        for (String z : zones) {
            Map<String, String> labels = new LinkedHashMap<>(in.spec().nodeLabels());
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
        for (int b = 0; b < all; b++) {
            if (tree.fitsOne(b, demands, off) && topology.admit(pod, b) != null) {
                return b;
            }
        }
        return -1;
    }

    /**
     * A constrained pod no bin and no new node takes: silent when it only waits for room on a node its constraints
     * allow (as {@link #refuse} for requests), else reported with the constraint that no node meets.
     */
    private void refuseConstrained(PodInfo pod, int off) {
        if (!templateUsable() || !dims.covers(template, 0, demands, off)) {
            boolean fitsEmptyNode = emptyShapes.stream().anyMatch(c -> dims.covers(c, 0, demands, off));
            if (!fitsEmptyNode) {
                refusedForRequests(pod);
                return;
            }
        }
        for (int b = 0; b < existing; b++) {
            NodeInfo n = bins.get(b).node();
            if (n != null
                    && NodeFit.labelsMatch(pod.constraints(), n.labels())
                    && dims.covers(shape.freeWhenEmpty(n.allocatable()), 0, demands, off)) {
                return; // a node it may use is busy now: it waits for it
            }
        }
        neverFit++;
        String unmet = unmetByNewNode(pod);
        actions.add(new PlanAction.PodNeverFits(
                pod,
                PlanAction.NeverFitReason.CONSTRAINTS,
                "no node of group " + in.spec().name() + " and no new one satisfies "
                        + (unmet != null ? unmet : "its pod anti-affinity or topology spread")
                        + "; new nodes have labels " + in.spec().nodeLabels()
                        + (in.cloud().zones().isEmpty()
                                ? ""
                                : " in zone(s) " + in.cloud().zones())));
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
        int target = Math.min(maxSize, desired + opened);
        target = Math.max(target, Math.min(maxSize, in.floor()));
        if (target > desired) {
            actions.add(new PlanAction.ScaleUp(
                    desired,
                    target,
                    onNew,
                    newNodePods,
                    newNodesByZone,
                    (opened > 0
                                    ? opened + " new node(s) for " + onNew + " waiting pod(s)"
                                            + (desired + opened > maxSize ? ", capped at max " + maxSize : "")
                                    : "raising to the group minimum " + in.floor())
                            + zonesWanted()));
        }
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
        for (int b = 0; b < existing; b++) {
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
