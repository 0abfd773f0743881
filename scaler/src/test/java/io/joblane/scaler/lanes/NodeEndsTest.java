package io.joblane.scaler.lanes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.joblane.model.lanes.FamilyTable;
import io.joblane.model.lanes.RunTimes;
import io.joblane.scaler.loop.MutableClock;
import io.joblane.scaler.loop.ScanGate;
import io.joblane.scaler.plan.ExpectedEnds;
import io.joblane.scaler.plan.NodeEdits;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Lanes' ends kept node by node across scans: a node handed the same {@link LaneNodePods} must still get the label and
 * ends {@link LaneEnds#of} gives afresh, whenever a family of a pod it could not predict learns or forgets a run or the
 * time moves a pod without a start; a started pod's predicted end stays.
 */
class NodeEndsTest {
    private static final long MIN = 60_000;
    private static final long T0 = 29_000_000L * MIN;

    private static LanePod running(String uid, String node, String family, String annotation, long start) {
        return new LanePod(uid, node, family, annotation, 0, true, start, -1);
    }

    /**
     * A node's kept pods seeing families learn runs: the started pod predicted before keeps its end (the label does not
     * follow every move of a family's mean), the one its family could not predict gets one, and the label with it.
     */
    @Test
    void aStartedPodKeepsItsEndWhenItsFamilyLearnsWhileAPodNotYetPredictedGetsOne() {
        Kept k = new Kept(T0);
        k.labels.put("n1", null);
        k.published = new FamilyTable(Map.of("ns/f", RunTimes.first(10 * MIN, T0 - MIN)));
        k.bind(running("a", "n1", "ns/f", null, T0));
        k.bind(running("b", "n1", "ns/g", null, T0));
        LanesStep step = k.step(100);
        step.run(k.gate());
        assertThat(k.labels.get("n1")).isEqualTo(Long.toString(T0 / MIN + 10));
        assertThat(step.expectedEnds().of("b", "n1"))
                .as("ns/g knows no run yet")
                .isNull();
        LaneNodePods handed = k.handed.get("n1");

        k.finished.add(new LanePod("done-f", "n2", "ns/f", null, 0, false, T0 - 50 * MIN, T0));
        k.finished.add(new LanePod("done-g", "n2", "ns/g", null, 0, false, T0 - 40 * MIN, T0));
        step.run(k.gate());
        assertThat(k.handed.get("n1")).as("the node's pods did not change").isSameAs(handed);
        assertThat(step.expectedEnds().of("a", "n1"))
                .as("fixed when first predicted, not the new mean of 10 and 50 minutes")
                .isEqualTo(Instant.ofEpochMilli(T0 + 10 * MIN));
        assertThat(step.expectedEnds().of("b", "n1")).isEqualTo(Instant.ofEpochMilli(T0 + 40 * MIN));
        assertThat(k.labels.get("n1")).isEqualTo(Long.toString(T0 / MIN + 40));

        k.bind(running("c", "n1", "ns/f", null, T0 + MIN));
        step.run(k.gate());
        assertThat(step.expectedEnds().of("c", "n1"))
                .as("a pod started now is predicted from the history now: mean of 10 and 50 minutes")
                .isEqualTo(Instant.ofEpochMilli(T0 + 31 * MIN));
        assertThat(step.expectedEnds().of("a", "n1")).isEqualTo(Instant.ofEpochMilli(T0 + 10 * MIN));
    }

    /**
     * A node listed again after a scan without it, its pods handed as the same kept list, while its family learnt a run
     * in between: with edits handed, its old prediction is not taken (it was no longer current, so no longer told of
     * its family's change). Leaving in a run patched from the edits, its prediction went from that run's places, and
     * only the last run's may be taken back: two runs later it must not be.
     */
    @ParameterizedTest(name = "left in a patched run: {0}")
    @ValueSource(booleans = {false, true})
    void aNodeListedAgainWithItsKeptPodsIsPredictedAfresh(boolean leftInAPatchedRun) {
        Kept k = new Kept(T0);
        k.editsOn = true;
        k.labels.put("n1", null);
        k.bind(running("a", "n1", "ns/f", null, T0)); // ns/f knows no run yet: not predicted, not fixed
        k.bind(running("b", "n1", null, "10m", T0));
        LanesStep step = k.step(100, 0); // readers pruned at every run
        step.run(k.gate());
        if (leftInAPatchedRun) {
            step.run(k.gate()); // a run that keeps places: the next ones are patched from the edits
        }
        String label = k.labels.get("n1");
        assertThat(label).isEqualTo(Long.toString(T0 / MIN + 10));
        LaneNodePods handed = k.handed.get("n1");

        k.labels.remove("n1");
        step.run(k.gate());
        assertThat(k.ends.patched()).isEqualTo(leftInAPatchedRun);
        k.finished.add(new LanePod("done", "n2", "ns/f", null, 0, false, T0 - 30 * MIN, T0));
        step.run(k.gate());
        k.labels.put("n1", label);
        step.run(k.gate());
        assertThat(k.ends.patched()).isTrue();
        assertThat(k.handed.get("n1")).as("the node's pods did not change").isSameAs(handed);
        assertThat(k.labels.get("n1")).as("ns/f's first run, 30 minutes").isEqualTo(Long.toString(T0 / MIN + 30));
    }

    /**
     * A family forgotten past the cap: a started pod keeps the end it was predicted, a pod without a start (predicted
     * from now) loses its prediction and its node its label.
     */
    @Test
    void aFamilyForgottenPastTheCapMovesOnlyPodsWithoutAStart() {
        Kept k = new Kept(T0);
        k.labels.put("n1", null);
        k.labels.put("n2", null);
        k.published = new FamilyTable(Map.of("ns/f", RunTimes.first(10 * MIN, T0 - MIN)));
        k.bind(running("a", "n1", "ns/f", null, T0));
        k.bind(running("w", "n2", "ns/f", null, -1));
        LanesStep step = k.step(1);
        step.run(k.gate());
        assertThat(k.labels.get("n1")).isEqualTo(Long.toString(T0 / MIN + 10));
        assertThat(k.labels.get("n2")).isEqualTo(Long.toString(T0 / MIN + 10));

        k.finished.add(new LanePod("done", "n3", "ns/g", null, 0, false, T0 - 30 * MIN, T0));
        step.run(k.gate());
        assertThat(k.labels.get("n1")).as("its end was fixed").isEqualTo(Long.toString(T0 / MIN + 10));
        assertThat(step.expectedEnds().of("a", "n1")).isEqualTo(Instant.ofEpochMilli(T0 + 10 * MIN));
        assertThat(k.labels.get("n2")).as("ns/f forgotten: no prediction").isNull();
        assertThat(step.expectedEnds().of("w", "n2")).isNull();
    }

    /**
     * The fixed ends are those of the pods handed: a pod that finished is dropped when they double, and at the latest
     * {@link NodeEnds#DROP_EVERY} runs later when the cluster shrinks.
     */
    @Test
    void fixedEndsOfPodsNoLongerHandedAreDropped() {
        Kept k = new Kept(T0);
        k.editsOn = true;
        k.labels.put("n1", null);
        LanesStep step = k.step(100);
        for (int i = 0; i < 2_000; i++) {
            k.bind(running("p" + i, "n1", null, "10m", T0));
            step.run(k.gate());
            k.finishOne(new Random(i));
        }
        assertThat(k.ends.fixedCount()).as("2,000 fixed, one handed").isBetween(1, 2 * 1 + 1024 + 1);
        step.run(k.gate());
        for (int i = 0; i < NodeEnds.DROP_EVERY; i++) {
            step.run(k.gate());
        }
        assertThat(k.ends.fixedCount()).as("none handed").isZero();
    }

    /**
     * A node whose object changed while its pods did not (here its label, set by an operator) is not derived again:
     * the run takes the derivation its pods keep, for edits that only change nodes in place and for those that move
     * them.
     */
    @Test
    void aNodeChangedWithoutItsPodsIsNotDerivedAgain() {
        for (boolean moved : new boolean[] {false, true}) {
            Kept k = new Kept(T0);
            k.editsOn = true;
            k.labels.put("n1", null);
            k.labels.put("n2", null);
            k.bind(running("a", "n1", null, "10m", T0 - MIN));
            LanesStep step = k.step(100);
            step.run(k.gate());
            step.run(k.gate()); // the first run with edits: places kept from here on
            long before = k.ends.derivations();
            int inPlaceBefore = k.ends.keptInPlace();
            k.labels.put("n1", "1");
            if (moved) {
                k.labels.put("n0", null); // inserted before n1: the places move
            }
            step.run(k.gate());
            assertThat(k.ends.patched()).isTrue();
            assertThat(k.ends.keptInPlace() - inPlaceBefore).as("kept in place").isEqualTo(moved ? 0 : 1);
            assertThat(k.ends.derivations() - before)
                    .as("derived again, places moved: " + moved)
                    .isEqualTo(moved ? 1 : 0); // n0 is new
            assertThat(k.labels.get("n1")).isEqualTo(Long.toString((T0 - MIN) / MIN + 10));
        }
    }

    /** A pod without a start is predicted from now: its kept node's label follows the time. */
    @Test
    void aKeptNodeWithAPodWithoutAStartIsPredictedFromNowAtEveryScan() {
        Kept k = new Kept(T0);
        k.labels.put("n1", null);
        k.bind(running("a", "n1", "ns/f", "10m", -1));
        LanesStep step = k.step(100);
        step.run(k.gate());
        assertThat(k.labels.get("n1")).isEqualTo(Long.toString(T0 / MIN + 10));
        k.advance(5 * MIN);
        step.run(k.gate());
        assertThat(k.labels.get("n1")).isEqualTo(Long.toString(T0 / MIN + 15));
        assertThat(step.expectedEnds().of("a", "n1")).isEqualTo(Instant.ofEpochMilli(T0 + 15 * MIN));
    }

    /**
     * Random scans (pods bound and finishing, nodes listed and not, families learnt and forgotten, the time moving,
     * now and then a run failing after it learnt), each node's pods kept while unchanged: every label written and every
     * end equal what {@link LaneEnds#of} gives afresh from the same pods, history and time.
     */
    @Test
    void keptEndsAreAlwaysThoseComputedAfresh() {
        int failed = 0;
        int patched = 0;
        int inPlace = 0;
        int carried = 0;
        for (long seed = 0; seed < 60; seed++) {
            Map<String, Long> fixed = Map.of();
            Random rnd = new Random(seed);
            Kept k = new Kept(T0);
            k.published = new FamilyTable(Map.of("ns/f0", RunTimes.first(7 * MIN, T0 - MIN)));
            for (int n = 0; n < 4; n++) {
                k.labels.put("n" + n, rnd.nextBoolean() ? null : Long.toString(T0 / MIN + rnd.nextInt(5)));
            }
            // A third of the runs rebuild the family index at every scan.
            LanesStep step = k.step(1 + rnd.nextInt(4), seed % 3 == 0 ? 0 : 1024);
            int next = 0;
            ExpectedEnds lastEnds = null;
            Map<LanePod, Instant> lastAnswers = new HashMap<>();
            for (int scan = 0; scan < 60; scan++) {
                for (int op = rnd.nextInt(5); op > 0; op--) {
                    switch (rnd.nextInt(6)) {
                        case 0, 1 -> {
                            String node = "n" + rnd.nextInt(6); // n4 and n5 are never listed
                            String family = rnd.nextInt(6) == 0 ? null : "ns/f" + rnd.nextInt(5);
                            String annotation = rnd.nextInt(5) == 0 ? (rnd.nextBoolean() ? "12m" : "soon") : null;
                            long start = rnd.nextInt(6) == 0 ? -1 : k.now() - rnd.nextInt(20) * MIN;
                            long deadline = rnd.nextInt(4) == 0 ? (5 + rnd.nextInt(60)) * MIN : 0;
                            k.bind(new LanePod("p" + next++, node, family, annotation, deadline, true, start, -1));
                        }
                        case 2, 3 -> k.finishOne(rnd);
                        case 4 -> {
                            String node = "n" + rnd.nextInt(4);
                            if (k.labels.containsKey(node)) {
                                k.labels.remove(node);
                            } else {
                                k.labels.put(node, null);
                            }
                        }
                        default -> k.advance(rnd.nextInt(4) * MIN + rnd.nextInt(60_000));
                    }
                }
                k.editsOn = seed % 4 != 1 && rnd.nextInt(8) != 0; // a quarter of the runs never hand edits
                List<LaneNode> before = k.nodes();
                Map<String, String> labelsBefore = new TreeMap<>(k.labels);
                k.written.clear();
                k.refused.clear();
                k.refuse = seed % 3 == 2 ? rnd : null; // a third of the runs have writes refused now and then
                // In half the seeds a third of the runs fail after the families were learnt (the adapter's edits
                // throw).
                k.failEdits = seed % 2 == 1 && rnd.nextInt(3) == 0;
                if (k.failEdits) {
                    assertThatThrownBy(() -> step.run(k.gate())).isInstanceOf(IllegalStateException.class);
                    failed++;
                    continue; // nothing written, no end fixed: the fresh computation skips it too
                }
                step.run(k.gate());
                String at = "seed " + seed + " scan " + scan;
                patched += k.ends.patched() ? 1 : 0;

                LaneEnds.Result fresh = LaneEnds.of(before, k.lastFlat, step.history(), k.now(), fixed);
                for (Map.Entry<String, Long> e : fixed.entrySet()) {
                    Long now = fresh.fixed().get(e.getKey());
                    carried += now != null
                                    && !now.equals(LaneEnds.expectedEnds(k.lastFlat, step.history(), k.now())
                                            .get(e.getKey()))
                            ? 1
                            : 0;
                }
                fixed = fresh.fixed();
                Map<String, String> expected = new TreeMap<>(labelsBefore);
                fresh.changes().stream()
                        .filter(c -> !k.refused.contains(c.node()))
                        .forEach(c -> expected.put(c.node(), c.value()));
                assertThat(k.labels).as(at).isEqualTo(expected);
                assertThat(k.written)
                        .as(at + ": only changes tried, a refused one again at the next scan")
                        .containsExactlyElementsOf(fresh.changes().stream()
                                .map(LaneEnds.Change::node)
                                .toList());
                // Every other scan's ends are first read after the next run: they answer as they would have when
                // handed, whatever that run derived since.
                for (Map.Entry<LanePod, Instant> e : lastAnswers.entrySet()) {
                    assertThat(lastEnds.of(e.getKey().uid(), e.getKey().node()))
                            .as(at + ": the last scan's end of " + e.getKey())
                            .isEqualTo(e.getValue());
                }
                lastAnswers.clear();
                ExpectedEnds ends = step.expectedEnds();
                assertThat(ends.isEmpty()).as(at).isEqualTo(fresh.ends().isEmpty());
                for (LanePod p : k.lastFlat) {
                    Long end = p.bound() && p.node() != null ? fresh.ends().get(p.uid()) : null;
                    Instant answer = end == null ? null : Instant.ofEpochMilli(end);
                    if (scan % 2 == 1) {
                        lastAnswers.put(p, answer);
                    } else {
                        assertThat(ends.of(p.uid(), p.node()))
                                .as(at + " pod " + p)
                                .isEqualTo(answer);
                    }
                }
                lastEnds = ends;
                // Freed slots are taken again: never more than the nodes ever listed at once (four) and their
                // replacements in one run.
                assertThat(k.ends.placeSlots()).as(at + ": slots").isLessThanOrEqualTo(8);
            }
            inPlace += k.ends.keptInPlace();
        }
        assertThat(failed).as("runs that failed after learning").isGreaterThan(50);
        assertThat(patched).as("runs patched from the edits").isGreaterThan(1_500);
        assertThat(inPlace).as("runs whose edits changed nodes in place only").isGreaterThan(500);
        assertThat(carried).as("fixed ends that a prediction now would move").isGreaterThan(100);
    }

    /**
     * A Kubernetes for lanes that hands each listed node's bound pods as a {@link LaneNodePods} kept until a pod is
     * bound to or leaves the node, as the simulator does.
     */
    static final class Kept implements LanesAccess {
        final Map<String, String> labels = new TreeMap<>();
        final Map<String, List<LanePod>> bound = new TreeMap<>();
        final Map<String, LaneNodePods> handed = new HashMap<>();
        final Set<String> changed = new HashSet<>();
        final List<LanePod> finished = new ArrayList<>();
        final List<String> written = new ArrayList<>();
        /** When set, a write is refused now and then (an API error): lanes must try it again at the next scan. */
        Random refuse;

        final Set<String> refused = new HashSet<>();
        FamilyTable published = FamilyTable.EMPTY;
        /** The pods as one flat list, as the last scan saw them: what the fresh computation is given. */
        List<LanePod> lastFlat = List.of();
        /** Whether the edits since the last scan's nodes are handed (else lanes reads every node). */
        boolean editsOn;

        NodeEnds ends;
        /** Each node's view, kept while its label is the same: an untouched node is the same object. */
        private final Map<String, LaneNode> views = new HashMap<>();

        private final NodeEdits.Log log = new NodeEdits.Log();
        private List<LaneNode> lastNodes = List.of();
        private List<List<LanePod>> lastOfNodes = List.of();
        private NodeEdits edits;

        final MutableClock clock;

        Kept(long now) {
            this.clock = new MutableClock(Instant.ofEpochMilli(now));
        }

        long now() {
            return clock.millis();
        }

        void advance(long millis) {
            clock.advance(Duration.ofMillis(millis));
        }

        LanesStep step(int maxFamilies) {
            return step(maxFamilies, 1024);
        }

        LanesStep step(int maxFamilies, int pruneSlack) {
            ends = new NodeEnds(pruneSlack);
            return new LanesStep(this, clock, Duration.ZERO, maxFamilies, ends);
        }

        ScanGate gate() {
            return new ScanGate(false, () -> true);
        }

        void bind(LanePod p) {
            bound.computeIfAbsent(p.node(), n -> new ArrayList<>()).add(p);
            changed.add(p.node());
        }

        /** A random bound pod ends: a run to learn when it had a start. */
        void finishOne(Random rnd) {
            List<String> nodes =
                    bound.keySet().stream().filter(n -> !bound.get(n).isEmpty()).toList();
            if (nodes.isEmpty()) {
                return;
            }
            String node = nodes.get(rnd.nextInt(nodes.size()));
            List<LanePod> pods = bound.get(node);
            LanePod p = pods.remove(rnd.nextInt(pods.size()));
            changed.add(node);
            long end = p.startMillis() < 0 ? -1 : Math.max(p.startMillis(), now() - rnd.nextInt(3) * MIN);
            finished.add(new LanePod(
                    p.uid(),
                    p.node(),
                    p.family(),
                    p.expectedDuration(),
                    p.deadlineMillis(),
                    false,
                    p.startMillis(),
                    end));
        }

        @Override
        public List<LaneNode> nodes() {
            return labels.entrySet().stream()
                    .map(e -> {
                        LaneNode n = views.get(e.getKey());
                        if (n == null || !Objects.equals(n.laneEnd(), e.getValue())) {
                            n = new LaneNode(e.getKey(), e.getValue());
                            views.put(e.getKey(), n);
                        }
                        return n;
                    })
                    .toList();
        }

        /** When set, the next {@link #nodeEdits} throws, as an adapter may. */
        boolean failEdits;

        @Override
        public NodeEdits nodeEdits() {
            if (failEdits) {
                throw new IllegalStateException("edits refused");
            }
            return editsOn ? edits : null;
        }

        /** The edits from the last scan's nodes and pods to these, both in name order, as an adapter logs them. */
        private void logEdits(List<LaneNode> nodes, List<List<LanePod>> ofNodes) {
            int i = 0;
            int j = 0;
            while (i < lastNodes.size() || j < nodes.size()) {
                int cmp = i == lastNodes.size()
                        ? 1
                        : j == nodes.size()
                                ? -1
                                : lastNodes.get(i).name().compareTo(nodes.get(j).name());
                if (cmp < 0) {
                    log.deleted(j); // the places before j hold this scan's nodes, j the last scan's i-th
                    i++;
                } else if (cmp > 0) {
                    log.inserted(j++);
                } else {
                    if (lastNodes.get(i) != nodes.get(j) || lastOfNodes.get(i) != ofNodes.get(j)) {
                        log.changed(j);
                    }
                    i++;
                    j++;
                }
            }
            edits = log.handOver(nodes);
            lastNodes = nodes;
            lastOfNodes = ofNodes;
        }

        @Override
        public List<LanePod> pods() {
            throw new AssertionError("lanes reads the pods node by node");
        }

        @Override
        public LanePods pods(List<LaneNode> nodes) {
            List<List<LanePod>> ofNodes = new ArrayList<>();
            Set<String> listed = new HashSet<>();
            List<LanePod> flat = new ArrayList<>();
            for (LaneNode n : nodes) {
                listed.add(n.name());
                LaneNodePods kept = handed.get(n.name());
                if (kept == null || changed.contains(n.name())) {
                    kept = new LaneNodePods(bound.getOrDefault(n.name(), List.of()));
                    handed.put(n.name(), kept);
                }
                ofNodes.add(kept);
                flat.addAll(kept);
            }
            changed.removeAll(listed);
            List<LanePod> others = new ArrayList<>(finished);
            finished.clear();
            bound.forEach((node, pods) -> {
                if (!listed.contains(node)) {
                    others.addAll(pods);
                }
            });
            flat.addAll(0, others);
            lastFlat = flat;
            logEdits(nodes, ofNodes);
            return new LanePods(ofNodes, others);
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
        public void setLaneEnd(String node, String value) throws LanesException {
            written.add(node);
            if (refuse != null && refuse.nextInt(4) == 0) {
                refused.add(node);
                throw new LanesException("refused", null);
            }
            labels.put(node, value);
        }
    }
}
