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
        minDemand = new long[dimCount];
        Arrays.fill(minDemand, pending.isEmpty() ? 0 : Long.MAX_VALUE);
        for (int i = 0; i < demands.length; i++) {
            minDemand[i % dimCount] = Math.min(minDemand[i % dimCount], demands[i]);
        }
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
            neverFit++;
            PodInfo pod = pending.get(order[r]);
            actions.add(new PlanAction.PodNeverFits(
                    pod,
                    PlanAction.NeverFitReason.EXCEEDS_EMPTY_NODE,
                    "requests " + pod.requests()
                            + " exceed an empty node of group " + in.spec().name() + " (" + shape.allocatable()
                            + " minus DaemonSet overhead " + shape.overhead() + ")"));
        }
    }

    /** Records that pods {@code next .. next+n} of the packing order went to {@code bin}. */
    private void placed(int bin, int next, int n) {
        if (bin >= existing) {
            onNew += n;
            examples(next, n, bin - existing >= capLimit ? capped : newNodePods);
            return;
        }
        used[bin] = true;
        onExisting += n;
        Bin b = bins.get(bin);
        if (b.kind() == Bin.Kind.INCOMING) {
            examples(next, n, onIncoming);
        }
        if (b.node() != null) {
            needed.add(b.node().name());
            if (b.kind() == Bin.Kind.RECLAIMABLE) {
                reclaimed.put(b.node().name(), b.node());
            }
        }
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
                    opened > 0
                            ? opened + " new node(s) for " + onNew + " waiting pod(s)"
                                    + (desired + opened > maxSize ? ", capped at max " + maxSize : "")
                            : "raising to the group minimum " + in.floor()));
        }
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
