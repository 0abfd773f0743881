package io.joblane.scaler.plan;

import static io.joblane.scaler.plan.Fixtures.GI;
import static io.joblane.scaler.plan.Fixtures.T0;
import static io.joblane.scaler.plan.Fixtures.res;
import static io.joblane.scaler.plan.Fixtures.spec;
import static io.joblane.scaler.plan.Fixtures.withMaxDraining;
import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.model.WellKnown;
import io.joblane.scaler.cloud.CloudGroup;
import io.joblane.scaler.cloud.CloudInstance;
import io.joblane.scaler.cloud.LifecycleState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * The drain chooser takes its candidates lazily from a heap and reads the active nodes and the nudged ones by the
 * classification's counts; this compares it, over random groups and scans, with the chooser as it was: every active
 * node found by a walk over every bin, every candidate built and all of them sorted, every bin walked for escalations
 * ({@link SortEverything}, a copy). Same actions in the same order, same nodes marked drained.
 */
class DrainChooserOrderTest {
    private static final String G = "batch";
    private static final Resources ALLOC = res("cpu", 4000, "memory", 16 * GI, "pods", 110_000);
    private static final Resources BIG = res("cpu", 8000, "memory", 32 * GI, "pods", 110_000);

    /** A random group, a few nodes changed at every scan; ends, starts and sizes from small sets so keys tie. */
    private static final class World extends RandomGroup {
        World(long seed, int size) {
            super(seed);
            fill(size);
        }

        @Override
        NodeInfo node(String name) {
            boolean ready = r.nextInt(10) != 0;
            boolean byJoblane = r.nextInt(10) == 0;
            int d = r.nextInt(20);
            DrainState draining =
                    d < 2 ? DrainState.PREFER_NO_SCHEDULE : d == 2 ? DrainState.NO_SCHEDULE : DrainState.NONE;
            Instant since = draining == DrainState.NONE || r.nextInt(4) == 0 ? null : now.minusSeconds(r.nextInt(60));
            return new NodeInfo(
                    name,
                    G,
                    r.nextInt(25) == 0 ? null : "i-" + name,
                    r.nextInt(8) == 0 ? BIG : ALLOC,
                    ready,
                    now.minusSeconds(600L * (1 + r.nextInt(5))),
                    byJoblane,
                    byJoblane,
                    draining,
                    r.nextInt(12) == 0,
                    null,
                    byJoblane ? now.minusSeconds(r.nextInt(60)) : null,
                    since,
                    null,
                    null,
                    r.nextInt(40) == 0 ? SpotNotice.INTERRUPTION : SpotNotice.NONE,
                    null,
                    Map.of(),
                    List.of());
        }

        /** A third of the nodes empty, the others one to three pods of few sizes and starts, now and then not a Job's. */
        @Override
        List<PodInfo> pods(String node) {
            int count = r.nextInt(3) == 0 ? 0 : r.nextBoolean() ? 1 : 2 + r.nextInt(2);
            List<PodInfo> out = new ArrayList<>();
            for (int k = 0; k < count; k++) {
                Instant started = T0.minusSeconds(300L * r.nextInt(2)); // few values: starts tie
                long cpu = r.nextInt(6) == 0 ? 3600 : 500L * (1 + r.nextInt(2)); // a large one may fit nowhere else
                int kind = r.nextInt(10);
                out.add(new PodInfo(
                        "uid-p" + podNames,
                        "default",
                        "p" + podNames++,
                        G,
                        res("cpu", cpu, "memory", GI),
                        PodPhase.RUNNING,
                        kind != 0,
                        kind == 0 && r.nextBoolean(),
                        false,
                        node,
                        started,
                        started,
                        r.nextInt(3) == 0 ? now.plusSeconds(60L * r.nextInt(3)) : null,
                        Map.of(),
                        PodConstraints.NONE));
            }
            return r.nextInt(4) == 0 ? out : new NodePods(out);
        }

        @Override
        void instance(String name) {
            if (r.nextInt(25) == 0) {
                instances.remove("i-" + name);
            } else {
                LifecycleState state = r.nextInt(30) == 0 ? LifecycleState.TERMINATING : LifecycleState.IN_SERVICE;
                instances.put("i-" + name, new CloudInstance("i-" + name, "zone-a", state, true, true, now));
            }
        }

        void step() {
            now = now.plusSeconds(r.nextInt(4) == 0 ? 0 : r.nextInt(40));
            int changes = r.nextInt(5);
            for (int c = 0; c < changes && !nodes.isEmpty(); c++) {
                int at = r.nextInt(nodes.size());
                String name = nodes.get(at).name();
                switch (r.nextInt(6)) {
                    case 0, 1 -> nodes.set(at, node(name));
                    case 2, 3 -> pods.set(at, pods(name));
                    case 4 -> instance(name);
                    default -> {
                        if (r.nextBoolean() && nodes.size() > 3) {
                            nodes.remove(at);
                            pods.remove(at);
                        } else {
                            add(r.nextBoolean() ? nodes.size() : at);
                        }
                    }
                }
            }
        }

        ClusterSnapshot snapshot() {
            List<PodInfo> pending = new ArrayList<>();
            int waiting = r.nextInt(5) == 0 ? 1 + r.nextInt(2) : 0;
            for (int k = 0; k < waiting; k++) {
                pending.add(Fixtures.pending("w" + podNames++, G, res("cpu", 250L * (1 + r.nextInt(4)), "memory", GI)));
            }
            return new ClusterSnapshot(now, List.copyOf(nodes), pending, List.of(), List.copyOf(pods));
        }

        /** Lanes' predictions: none at all now and then (pods' own ends count), else most bound pods, few values. */
        Map<String, Instant> ends() {
            Map<String, Instant> ends = new HashMap<>();
            if (r.nextInt(4) == 0) {
                return ends;
            }
            for (List<PodInfo> list : pods) {
                for (PodInfo p : list) {
                    if (r.nextInt(8) != 0) {
                        ends.put(p.uid(), now.plusSeconds(60L * r.nextInt(3)));
                    }
                }
            }
            return ends;
        }

        CloudGroup cloud() {
            List<CloudInstance> inst = described();
            return new CloudGroup("asg-" + G, inst.size(), r.nextInt(3), 1000, inst, List.of(), false);
        }
    }

    /** One pass's chooser output: the actions and the nodes marked drained (null when the group grew). */
    private record Chosen(List<PlanAction> actions, boolean[] drained) {}

    /** Coverage of the random scans: what the reference chooser went through. */
    private static final class Seen {
        int drains;
        int severalInOnePass;
        int timerMissing;
        int stillUnneeded;
        int skippedThenChosen;
        int tiesOnEndAndPods;
        int tiesToTheName;
    }

    @Test
    void choosesWhatSortingEveryCandidateChose() {
        Seen seen = new Seen();
        for (long seed = 0; seed < 40; seed++) {
            World w = new World(seed, 4 + (int) (seed * 7 % 60));
            GroupSpec spec = withMaxDraining(spec(G, (int) (seed % 3), 1000, ALLOC), 1 + (int) (seed % 5));
            SnapshotIndex kept = null;
            for (int scan = 0; scan < 60; scan++) {
                w.step();
                ClusterSnapshot snapshot = w.snapshot();
                Map<String, Instant> ends = w.ends();
                CloudGroup cloud = w.cloud();
                kept = new SnapshotIndex(snapshot, ends, kept);
                Chosen now = choose(spec, kept, cloud, w.now, null);
                Chosen before = choose(spec, new SnapshotIndex(snapshot, ends, null), cloud, w.now, seen);
                assertThat(now.actions()).as("seed %d, scan %d", seed, scan).isEqualTo(before.actions());
                assertThat(now.drained()).as("seed %d, scan %d", seed, scan).isEqualTo(before.drained());
                long drains = before.actions().stream()
                        .filter(a -> ((PlanAction.SetDrain) a).why() == PlanAction.DrainReason.PODS_FIT_ELSEWHERE)
                        .count();
                seen.drains += (int) drains;
                seen.severalInOnePass += drains > 1 ? 1 : 0;
            }
        }
        // The scans reach every branch (seen 925 drains, 273 passes with several, 1,390 and 5,023 escalations, 106
        // candidates passed over as their pods did not fit, 208 neighbours in order by a later key, 45 by the name).
        assertThat(seen.drains).isGreaterThan(400);
        assertThat(seen.severalInOnePass).isGreaterThan(100);
        assertThat(seen.timerMissing).isGreaterThan(500);
        assertThat(seen.stillUnneeded).isGreaterThan(2000);
        assertThat(seen.skippedThenChosen).isGreaterThan(40);
        assertThat(seen.tiesOnEndAndPods).isGreaterThan(100);
        assertThat(seen.tiesToTheName).isGreaterThan(20);
    }

    /** The planning pass up to the chooser, as {@link Planner} runs it; the old chooser when {@code seen} is given. */
    private static Chosen choose(GroupSpec spec, SnapshotIndex index, CloudGroup cloud, Instant now, Seen seen) {
        Chosen[] out = new Chosen[1];
        // One cloud group without a template: one pass, whose plan NewNodeShapes hands back as it is (unused here).
        NewNodeShapes.plan(spec, cloud, (s, kinds, learnShape, setAside) -> {
            PassInput in = PassInput.of(s, index, cloud, now, Map.of(), kinds, learnShape, setAside);
            List<NodeInfo> nodes = index.nodes(G);
            List<PodInfo> pending = index.pending(G);
            NodeLoad[] loads = index.loads(G);
            CloudInstance[] instances = index.instancesOf(nodes, cloud);
            Classification classified = Classification.of(in, nodes, loads, instances);
            NewNodeShape shape = NewNodeShape.learn(in, nodes, pending);
            ScaleOut scaleOut = ScaleOut.plan(in, shape, classified, pending);
            if (scaleOut.growing()) {
                out[0] = new Chosen(List.of(), null);
            } else if (seen == null) {
                DrainChooser c = new DrainChooser(in, shape.dims(), classified, instances, scaleOut);
                out[0] = new Chosen(c.choose(classified.draining()), c.drained());
            } else {
                SortEverything c = new SortEverything(in, shape.dims(), classified, scaleOut, seen);
                out[0] = new Chosen(c.choose(classified.draining()), c.drained);
            }
            return null;
        });
        return out[0];
    }

    /** The drain chooser before the heap: {@code DrainChooser} of main 0eec97b, with counters for {@link Seen}. */
    private static final class SortEverything {
        private final PassInput in;
        private final Dimensions dims;
        private final List<Bin> bins;
        private final Classification classified;
        private final int existing;
        private final FitTree tree;
        private final boolean[] needed;
        private final boolean[] drained;
        private final Seen seen;

        SortEverything(PassInput in, Dimensions dims, Classification classified, ScaleOut scaleOut, Seen seen) {
            this.in = in;
            this.dims = dims;
            this.bins = classified.bins();
            this.classified = classified;
            this.existing = scaleOut.existing();
            this.tree = scaleOut.tree();
            this.needed = scaleOut.needed();
            this.drained = new boolean[needed.length];
            this.seen = seen;
        }

        List<PlanAction> choose(int drainingCount) {
            List<PlanAction> out = new ArrayList<>(escalateNudges());
            int budget = in.spec().maxDraining() - drainingCount;
            List<Bin> active = new ArrayList<>(existing);
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
            int skipped = 0;
            List<Candidate> candidates = candidates(active, activeAt);
            for (int i = 0; i < candidates.size(); i++) {
                Candidate c = candidates.get(i);
                if (chosen >= budget || remaining - 1 < keepAtLeast) {
                    break;
                }
                if (i > 0
                        && Objects.equals(c.expectedEnd(), candidates.get(i - 1).expectedEnd())
                        && c.jobPods() == candidates.get(i - 1).jobPods()) {
                    seen.tiesOnEndAndPods++;
                    Candidate p = candidates.get(i - 1);
                    seen.tiesToTheName += p.oldestStart().equals(c.oldestStart()) && p.share() == c.share() ? 1 : 0;
                }
                int self = c.bin();
                if (fitsElsewhere(c, self)) {
                    seen.skippedThenChosen += skipped > 0 ? 1 : 0;
                    drained[classified.at(self)] = true;
                    chosen++;
                    remaining--;
                    out.add(new PlanAction.SetDrain(
                            c.node().name(),
                            DrainState.PREFER_NO_SCHEDULE,
                            PlanAction.DrainReason.PODS_FIT_ELSEWHERE,
                            "its " + c.jobPods() + " Job pod(s) would fit on the group's other nodes"));
                } else {
                    skipped++;
                }
            }
            return out;
        }

        private List<PlanAction> escalateNudges() {
            List<PlanAction> out = new ArrayList<>();
            for (int i = 0; i < bins.size(); i++) {
                Bin b = bins.get(i);
                NodeInfo n = b.node();
                if (n == null || b.kind() != Bin.Kind.RECLAIMABLE || n.draining() != DrainState.PREFER_NO_SCHEDULE) {
                    continue;
                }
                if (n.drainingSince() == null) {
                    seen.timerMissing++;
                    drained[classified.at(i)] = true;
                    out.add(new PlanAction.SetDrain(
                            n.name(),
                            DrainState.PREFER_NO_SCHEDULE,
                            PlanAction.DrainReason.TIMER_MISSING,
                            "draining timer missing"));
                } else if (in.deadlines()
                        .reached(n.drainingSince().plus(in.spec().settleDelay()))) {
                    seen.stillUnneeded++;
                    drained[classified.at(i)] = true;
                    out.add(new PlanAction.SetDrain(
                            n.name(),
                            DrainState.NO_SCHEDULE,
                            PlanAction.DrainReason.STILL_UNNEEDED,
                            "still not needed after " + in.spec().settleDelay().toSeconds() + "s of nudging"));
                }
            }
            return out;
        }

        private void hostOnBusyNodesOnly() {
            for (int b = 0; b < tree.capacity(); b++) {
                if (b >= existing
                        || bins.get(b).kind() != Bin.Kind.FREE
                        || !bins.get(b).load().blocking() && !needed[classified.at(b)]) {
                    tree.close(b);
                } else {
                    tree.open(b);
                }
            }
        }

        private List<Candidate> candidates(List<Bin> active, int[] activeAt) {
            List<Candidate> candidates = new ArrayList<>(active.size());
            for (int k = 0; k < active.size(); k++) {
                Bin b = active.get(k);
                NodeInfo n = b.node();
                if (n.scaleDownDisabled()
                        || needed[classified.at(activeAt[k])]
                        || b.instanceId() == null
                        || !in.instances().containsKey(b.instanceId())) {
                    continue;
                }
                if (b.load().blocking()) {
                    candidates.add(new Candidate(n, b.load(), in.index(), activeAt[k]));
                }
            }
            candidates.sort(Candidate.ORDER);
            return candidates;
        }

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
    }

    /** The old chooser's candidate and order, copied: a change of the production order must not change this one. */
    private record Candidate(
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
