package io.joblane.scaler.plan;

import io.joblane.model.WellKnown;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Step "pack" of the planning pass (only when the group is not growing): commits nudged nodes that stayed unneeded,
 * then picks nodes to drain whose blocking pods would all fit on the group's other busy nodes, within the drain budget
 * and never below the minimum: the node whose pods are expected to end first (lanes' predictions), then fewest Job
 * pods, then youngest. Reuses the scale-out step's {@link FitTree}.
 */
final class DrainChooser {
    private final PassInput in;
    private final Dimensions dims;
    private final List<Bin> bins;
    private final int existing;
    private final FitTree tree;
    /** Per node of the group, at its position: needed by waiting pods (scale-out's), drained this scan (ours). */
    private final boolean[] needed;

    private final boolean[] drained;

    DrainChooser(PassInput in, Dimensions dims, List<Bin> bins, ScaleOut scaleOut) {
        this.in = in;
        this.dims = dims;
        this.bins = bins;
        this.existing = scaleOut.existing();
        this.tree = scaleOut.tree();
        this.needed = scaleOut.needed();
        this.drained = new boolean[needed.length];
    }

    /** Per node of the group, at its position: whether {@link #choose} set its drain state. */
    boolean[] drained() {
        return drained;
    }

    /** The SetDrain actions: escalations first, then new drains. */
    List<PlanAction> choose(int drainingCount) {
        List<PlanAction> out = new ArrayList<>(escalateNudges());
        int budget = in.spec().maxDraining() - drainingCount;
        List<Bin> active = new ArrayList<>(existing);
        // Beside each active bin its index among the bins: a candidate carries it, no map of nodes to bins is built.
        int[] activeAt = new int[existing];
        for (int b = 0; b < existing; b++) {
            if (bins.get(b).kind() == Bin.Kind.FREE && bins.get(b).node().ready()) {
                activeAt[active.size()] = b;
                active.add(bins.get(b));
            }
        }
        int keepAtLeast = Math.max(in.floor(), 1);
        if (budget <= 0 || active.size() <= keepAtLeast) {
            return out;
        }
        hostOnBusyNodesOnly();
        int chosen = 0;
        int remaining = active.size();
        for (Candidate c : candidates(active, activeAt)) {
            if (chosen >= budget || remaining - 1 < keepAtLeast) {
                break;
            }
            int self = c.bin();
            if (fitsElsewhere(c, self)) {
                drained[bins.get(self).at()] = true;
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

    /** Nudges that have lasted the settle delay and were not taken back this scan become committed. */
    private List<PlanAction> escalateNudges() {
        List<PlanAction> out = new ArrayList<>();
        for (Bin b : bins) {
            NodeInfo n = b.node();
            if (n == null || b.kind() != Bin.Kind.RECLAIMABLE || n.draining() != DrainState.PREFER_NO_SCHEDULE) {
                continue;
            }
            if (n.drainingSince() == null) {
                drained[b.at()] = true;
                out.add(new PlanAction.SetDrain(
                        n.name(),
                        DrainState.PREFER_NO_SCHEDULE,
                        PlanAction.DrainReason.TIMER_MISSING,
                        "draining timer missing"));
            } else if (in.deadlines().reached(n.drainingSince().plus(in.spec().settleDelay()))) {
                drained[b.at()] = true;
                out.add(new PlanAction.SetDrain(
                        n.name(),
                        DrainState.NO_SCHEDULE,
                        PlanAction.DrainReason.STILL_UNNEEDED,
                        "still not needed after " + in.spec().settleDelay().toSeconds() + "s of nudging"));
            }
        }
        return out;
    }

    /** Only busy FREE nodes host the moved pods in this hypothetical: empty ones are about to go. */
    private void hostOnBusyNodesOnly() {
        for (int b = 0; b < tree.capacity(); b++) {
            if (b >= existing
                    || bins.get(b).kind() != Bin.Kind.FREE
                    || !bins.get(b).load().blocking() && !needed[bins.get(b).at()]) {
                tree.close(b);
            } else {
                tree.open(b); // may have been closed as full for the waiting pods; smaller pods may still fit
            }
        }
    }

    /** Busy active nodes that may be drained, in drain order; {@code active} beside the positions of its bins. */
    private List<Candidate> candidates(List<Bin> active, int[] activeAt) {
        List<Candidate> candidates = new ArrayList<>(active.size());
        for (int k = 0; k < active.size(); k++) {
            Bin b = active.get(k);
            NodeInfo n = b.node();
            if (n.scaleDownDisabled()
                    || needed[b.at()]
                    || b.instanceId() == null
                    || !in.instances().containsKey(b.instanceId())) {
                continue;
            }
            if (b.load().blocking()) { // empty nodes go straight to scale-in
                candidates.add(new Candidate(n, b.load(), in.index(), activeAt[k]));
            }
        }
        candidates.sort(Candidate.ORDER);
        return candidates;
    }

    /** Places the candidate's blocking pods, largest CPU first, on the other open bins; undone if one does not fit. */
    private boolean fitsElsewhere(Candidate c, int self) {
        tree.close(self);
        List<Integer> targets = new ArrayList<>();
        List<long[]> placedDemand = new ArrayList<>();
        List<PodInfo> sorted = new ArrayList<>(c.blocking());
        sorted.sort(Comparator.comparingLong((PodInfo p) -> -p.requests().get(WellKnown.RESOURCE_CPU)));
        for (PodInfo p : sorted) {
            long[] dv = new long[dims.count()];
            dims.addDemand(p.requests(), dv, 0);
            int target = tree.findFirst(dv, 0);
            if (target < 0) {
                for (int k = targets.size() - 1; k >= 0; k--) {
                    tree.take(targets.get(k), placedDemand.get(k), 0, -1);
                }
                tree.open(self);
                return false;
            }
            tree.take(target, dv, 0, 1);
            targets.add(target);
            placedDemand.add(dv);
        }
        return true;
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
        static final Comparator<Candidate> ORDER = Comparator.<Candidate, Instant>comparing(
                        Candidate::expectedEnd, Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparingInt(Candidate::jobPods)
                .thenComparing(Candidate::oldestStart, Comparator.reverseOrder())
                .thenComparingDouble(Candidate::share)
                .thenComparing(c -> c.node.name());

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
