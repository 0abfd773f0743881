package io.joblane.scaler.plan;

import io.joblane.model.WellKnown;
import io.joblane.scaler.cloud.CloudInstance;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Step "pack" of the planning pass (only when the group is not growing): commits nudged nodes that stayed unneeded,
 * then picks nodes to drain whose blocking pods would all fit on the group's other busy nodes, within the drain budget
 * and never below the minimum: the node whose pods are expected to end first (lanes' predictions), then fewest Job
 * pods, then youngest. Reuses the scale-out step's {@link FitTree}.
 */
final class DrainChooser {
    /** Blocking pods placed largest CPU first (a stable sort: equal ones in the node's order). */
    private static final Comparator<PodInfo> LARGEST_CPU_FIRST =
            Comparator.comparingLong((PodInfo p) -> -p.requests().get(WellKnown.RESOURCE_CPU));

    private final PassInput in;
    private final Dimensions dims;
    private final List<Bin> bins;
    /** The classification {@link #bins} come from: their nodes' positions. */
    private final Classification classified;
    /** The FREE bins are {@code bins[0, free)}, the RECLAIMABLE ones the next {@code reclaimable}. */
    private final int free;

    private final int reclaimable;
    /** Per node of the group, at its position, its instance in the group (null: none). */
    private final CloudInstance[] instances;

    private final ScaleOut scaleOut;
    /** The scale-out step's tree, taken once choosing goes past its early returns. */
    private FitTree tree;
    /** Per node of the group, at its position: needed by waiting pods (scale-out's), drained this scan (ours). */
    private final boolean[] needed;

    private final boolean[] drained;

    /** {@code instances}: beside the group's nodes one for one, each node's instance (the classification's). */
    DrainChooser(
            PassInput in, Dimensions dims, Classification classified, CloudInstance[] instances, ScaleOut scaleOut) {
        this.in = in;
        this.dims = dims;
        this.classified = classified;
        this.bins = classified.bins();
        this.free = classified.free();
        this.reclaimable = classified.reclaimable();
        this.instances = instances;
        this.scaleOut = scaleOut;
        this.needed = scaleOut.needed();
        this.drained = new boolean[needed.length];
    }

    /** Per node of the group, at its position: whether {@link #choose} set its drain state. */
    boolean[] drained() {
        return drained;
    }

    /**
     * The SetDrain actions: escalations first, then new drains. The active nodes are the FREE bins, the first ones
     * (all Ready), so none is walked to count them.
     */
    List<PlanAction> choose(int drainingCount) {
        List<PlanAction> out = new ArrayList<>();
        escalateNudges(out);
        int budget = in.spec().maxDraining() - drainingCount;
        int keepAtLeast = Math.max(in.floor(), 1);
        if (budget <= 0 || free <= keepAtLeast) {
            return out;
        }
        tree = scaleOut.tree();
        hostOnBusyNodesOnly();
        DrainOrder order = candidates();
        int chosen = 0;
        int remaining = free;
        while (chosen < budget && remaining - 1 >= keepAtLeast && !order.isEmpty()) {
            Candidate c = order.poll();
            int self = c.bin();
            if (fitsElsewhere(c, self)) {
                drained[classified.at(self)] = true;
                chosen++;
                remaining--;
                out.add(new PlanAction.SetDrain(
                        c.node().name(),
                        DrainState.PREFER_NO_SCHEDULE,
                        PlanAction.DrainReason.PODS_FIT_ELSEWHERE,
                        "its " + c.jobPods() + " Job pod(s) would fit on the group's other nodes"));
            }
        }
        return out;
    }

    /**
     * Nudges that have lasted the settle delay and were not taken back this scan become committed. Only RECLAIMABLE
     * bins qualify: their range, in bin order, not every bin.
     */
    private void escalateNudges(List<PlanAction> out) {
        for (int i = free; i < free + reclaimable; i++) {
            Bin b = bins.get(i);
            int at = classified.at(i);
            NodeInfo n = b.node();
            if (n.draining() != DrainState.PREFER_NO_SCHEDULE) {
                continue;
            }
            if (n.drainingSince() == null) {
                drained[at] = true;
                out.add(new PlanAction.SetDrain(
                        n.name(),
                        DrainState.PREFER_NO_SCHEDULE,
                        PlanAction.DrainReason.TIMER_MISSING,
                        "draining timer missing"));
            } else if (in.deadlines().reached(n.drainingSince().plus(in.spec().settleDelay()))) {
                drained[at] = true;
                out.add(new PlanAction.SetDrain(
                        n.name(),
                        DrainState.NO_SCHEDULE,
                        PlanAction.DrainReason.STILL_UNNEEDED,
                        "still not needed after " + in.spec().settleDelay().toSeconds() + "s of nudging"));
            }
        }
    }

    /** Only busy FREE nodes host the moved pods in this hypothetical: empty ones are about to go. */
    private void hostOnBusyNodesOnly() {
        for (int b = 0; b < tree.capacity(); b++) {
            if (b >= free || !bins.get(b).load().blocking() && !needed[classified.at(b)]) {
                tree.close(b);
            } else {
                tree.open(b); // may have been closed as full for the waiting pods; smaller pods may still fit
            }
        }
    }

    /** Busy active nodes that may be drained, handed in drain order as asked for. */
    private DrainOrder candidates() {
        Candidate[] candidates = new Candidate[free];
        long[] demand = new long[dims.count()];
        Map<Resources, Boolean> fitsSome = new HashMap<>();
        int count = 0;
        for (int k = 0; k < free; k++) {
            Bin b = bins.get(k);
            NodeInfo n = b.node();
            // A node's instance beside it is the group's instance of its id: none without an id or outside the group.
            if (n.scaleDownDisabled() || needed[classified.at(k)] || instances[classified.at(k)] == null) {
                continue;
            }
            // Empty nodes go straight to scale-in.
            if (b.load().blocking() && eachFitsSomewhere(b.load().blockingRequests(), demand, fitsSome)) {
                candidates[count++] = new Candidate(n, b.load(), in.index(), k);
            }
        }
        return new DrainOrder(candidates, count);
    }

    /**
     * Whether each pod alone fits some open bin (its own node's included) as the choosing starts. One that fits none
     * never will this pass: the choosing only takes room and closes bins, and a failed try is undone. So a node failing
     * this would fail {@link #fitsElsewhere} at its turn, and leaving it out of the order changes only the work: on a
     * full group nearly every node was tried at every pass (on the whole RICC trace, 22.6 million tries for 539
     * drains), each after a poll of the order. Asked per requests object of the node's blocking pods (kept on its load,
     * repeats dropped), not per pod: the pods themselves are not read.
     */
    private boolean eachFitsSomewhere(Resources[] requests, long[] demand, Map<Resources, Boolean> fitsSome) {
        for (Resources r : requests) {
            // The tree does not change while the order is made: one search per distinct request (a few shapes).
            Boolean fits = fitsSome.get(r);
            if (fits == null) {
                Arrays.fill(demand, 0);
                dims.addDemand(r, demand, 0);
                fits = tree.findFirst(demand, 0) >= 0;
                fitsSome.put(r, fits);
            }
            if (!fits) {
                return false;
            }
        }
        return true;
    }

    /** Places the candidate's blocking pods, largest CPU first, on the other open bins; undone if one does not fit. */
    private boolean fitsElsewhere(Candidate c, int self) {
        tree.close(self);
        List<PodInfo> pods = c.blocking();
        if (pods.size() > 1) {
            pods = new ArrayList<>(pods);
            pods.sort(LARGEST_CPU_FIRST);
        }
        int[] targets = new int[pods.size()];
        long[][] placed = new long[pods.size()][];
        for (int k = 0; k < pods.size(); k++) {
            long[] dv = new long[dims.count()];
            dims.addDemand(pods.get(k).requests(), dv, 0);
            int target = tree.findFirst(dv, 0);
            if (target < 0) {
                for (int j = k - 1; j >= 0; j--) {
                    tree.take(targets[j], placed[j], 0, -1);
                }
                tree.open(self);
                return false;
            }
            tree.take(target, dv, 0, 1);
            targets[k] = target;
            placed[k] = dv;
        }
        return true;
    }

    /**
     * The candidates in drain order ({@link Candidate#compare}), taken one at a time from a binary heap (built in linear time): the
     * chooser stops after the drain budget's few, so sorting them all was wasted. Ties on every key but the name are
     * broken by the name, and equal names (never in one group) by the bin: the order of a stable full sort.
     */
    static final class DrainOrder {
        private final Candidate[] heap;
        private int size;

        DrainOrder(Candidate[] candidates, int count) {
            this.heap = candidates;
            this.size = count;
            for (int i = size / 2 - 1; i >= 0; i--) {
                siftDown(i);
            }
        }

        boolean isEmpty() {
            return size == 0;
        }

        /** The first candidate left in drain order. */
        Candidate poll() {
            Candidate first = heap[0];
            heap[0] = heap[--size];
            heap[size] = null;
            if (size > 0) {
                siftDown(0);
            }
            return first;
        }

        private void siftDown(int i) {
            Candidate c = heap[i];
            int half = size >>> 1;
            while (i < half) {
                int child = 2 * i + 1;
                if (child + 1 < size && before(heap[child + 1], heap[child])) {
                    child++;
                }
                if (!before(heap[child], c)) {
                    break;
                }
                heap[i] = heap[child];
                i = child;
            }
            heap[i] = c;
        }

        private static boolean before(Candidate a, Candidate b) {
            int o = Candidate.compare(a, b);
            return o < 0 || o == 0 && a.bin() < b.bin();
        }
    }

    /**
     * A node that could be emptied, with the keys of the drain order. {@code expectedEnd} is the latest expected end
     * of its blocking pods, null when one of them has none: a node known to empty soon drains first, unknown ones after
     * every known one, and among equals the rule without predictions decides. {@code bin}: the node's index among the
     * pass's bins (not a key of the order).
     */
    record Candidate(
            NodeInfo node,
            List<PodInfo> blocking,
            Instant expectedEnd,
            int jobPods,
            Instant oldestStart,
            double share,
            int bin) {
        /**
         * The drain order: expected end (unknown last), fewer Job pods, younger oldest start, smaller share, then the
         * name. Written out rather than chained comparators: a pass may compare thousands of candidates.
         */
        static int compare(Candidate a, Candidate b) {
            if (a.expectedEnd != b.expectedEnd) {
                if (a.expectedEnd == null) {
                    return 1;
                }
                if (b.expectedEnd == null) {
                    return -1;
                }
                int c = a.expectedEnd.compareTo(b.expectedEnd);
                if (c != 0) {
                    return c;
                }
            }
            if (a.jobPods != b.jobPods) {
                return a.jobPods < b.jobPods ? -1 : 1;
            }
            int c = b.oldestStart.compareTo(a.oldestStart);
            if (c != 0) {
                return c;
            }
            c = Double.compare(a.share, b.share);
            return c != 0 ? c : a.node.name().compareTo(b.node.name());
        }

        /** The keys of a node from its load: all but the expected end are kept while its pods do not change. */
        Candidate(NodeInfo node, NodeLoad load, SnapshotIndex index, int bin) {
            this(
                    node,
                    load.blockingPods(),
                    expectedEnd(load.blockingPods(), index),
                    load.jobPods(),
                    load.oldestStart(),
                    load.share(node.allocatable()),
                    bin);
        }

        /** The latest expected end of the pods, or null when one of them has none. */
        private static Instant expectedEnd(List<PodInfo> pods, SnapshotIndex index) {
            Instant latest = null;
            for (PodInfo p : pods) {
                Instant end = index.expectedEnd(p);
                if (end == null) {
                    return null;
                }
                latest = latest == null || end.isAfter(latest) ? end : latest;
            }
            return latest;
        }
    }
}
