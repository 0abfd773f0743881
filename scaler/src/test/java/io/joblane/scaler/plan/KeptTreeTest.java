package io.joblane.scaler.plan;

import static io.joblane.scaler.plan.Fixtures.GI;
import static io.joblane.scaler.plan.Fixtures.T0;
import static io.joblane.scaler.plan.Fixtures.cloudFor;
import static io.joblane.scaler.plan.Fixtures.cpuMem;
import static io.joblane.scaler.plan.Fixtures.draining;
import static io.joblane.scaler.plan.Fixtures.node;
import static io.joblane.scaler.plan.Fixtures.notReady;
import static io.joblane.scaler.plan.Fixtures.pending;
import static io.joblane.scaler.plan.Fixtures.res;
import static io.joblane.scaler.plan.Fixtures.running;
import static io.joblane.scaler.plan.Fixtures.spec;
import static io.joblane.scaler.plan.Fixtures.withExtra;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.joblane.scaler.cloud.CloudGroup;
import io.joblane.scaler.cloud.CloudInstance;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Guards the fit tree kept from pass to pass ({@link KeptTree}): through random sequences of scans whose nodes, pods,
 * drains, capacity on its way and DaemonSet overhead change, a pass on the index handed from scan to scan holds
 * exactly the tree a fresh pass builds, and plans exactly as one on a fresh index.
 */
class KeptTreeTest {
    private static final String G = "batch";
    private static final Resources SMALL = res("cpu", 4000, "memory", 16 * GI, "pods", 110_000);
    private static final Resources LARGE = res("cpu", 8000, "memory", 32 * GI, "pods", 110_000);
    private static final DaemonSetInfo AGENT = new DaemonSetInfo(
            "kube-system", "agent", cpuMem(250, GI / 4), Map.of(), List.of(new Toleration("", "Exists", null, "")));

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
    void aKeptTreeHoldsWhatAFreshOneDoes(long seed) {
        Random rnd = new Random(seed);
        List<NodeInfo> nodes = new ArrayList<>();
        List<List<PodInfo>> podsOf = new ArrayList<>();
        int named = 0;
        for (int i = 0; i < 1 + rnd.nextInt(30); i++) {
            nodes.add(node("n" + named++, G, rnd.nextBoolean() ? SMALL : LARGE));
            podsOf.add(randomPods(rnd, nodes.get(i).name(), 1_000_000 + named * 10));
        }
        List<PodInfo> waiting = new ArrayList<>();
        boolean agent = false;
        int extra = 0;
        SnapshotIndex chained = null;
        int podNames = 0;
        for (int scan = 0; scan < 60; scan++) {
            int changes = rnd.nextInt(4);
            for (int c = 0; c < changes; c++) {
                int at = nodes.isEmpty() ? 0 : rnd.nextInt(nodes.size());
                switch (rnd.nextInt(9)) {
                    case 0 -> { // a node joins (at any place)
                        nodes.add(at, node("n" + named++, G, rnd.nextBoolean() ? SMALL : LARGE));
                        podsOf.add(at, randomPods(rnd, "n" + (named - 1), podNames += 10));
                    }
                    case 1 -> { // a node leaves
                        if (nodes.size() > 1) {
                            nodes.remove(at);
                            podsOf.remove(at);
                        }
                    }
                    case 2 -> { // the same node as another object, drained or not (it moves among the bins)
                        NodeInfo n = nodes.get(at);
                        nodes.set(
                                at,
                                n.draining() == DrainState.NONE
                                        ? draining(n, DrainState.PREFER_NO_SCHEDULE, T0.minusSeconds(10))
                                        : node(n.name(), G, n.allocatable()));
                    }
                    case 3 -> // a node not Ready yet: capacity on its way
                        nodes.set(at, notReady(nodes.get(at), T0.minusSeconds(30)));
                    case 4, 5 -> // its pods change
                        podsOf.set(at, randomPods(rnd, nodes.get(at).name(), podNames += 10));
                    case 6 -> agent = !agent; // the overhead changes: another kept tree, or a fresh one
                    case 7 -> extra = rnd.nextInt(4); // desired above the instances: bins without a node
                    default -> waiting = randomWaiting(rnd, podNames += 20);
                }
            }
            List<PodInfo> pods = new ArrayList<>(waiting);
            podsOf.forEach(pods::addAll);
            ClusterSnapshot snapshot =
                    new ClusterSnapshot(T0, List.copyOf(nodes), pods, agent ? List.of(AGENT) : List.of());
            CloudGroup cloud = cloudFor(nodes, 0, 60);
            cloud = withExtra(cloud, cloud.desired() + extra, new CloudInstance[0]);
            chained = new SnapshotIndex(snapshot, Map.of(), chained);
            SnapshotIndex fresh = new SnapshotIndex(snapshot, Map.of(), null);

            GroupPlan kept = Planner.plan(spec(G, 0, 60, SMALL), chained, cloud, T0);
            assertThat(kept)
                    .as("seed %d scan %d", seed, scan)
                    .isEqualTo(Planner.plan(spec(G, 0, 60, SMALL), fresh, cloud, T0));
            // A second pass on each index: the kept tree put back and reloaded, against a fresh one.
            FitTree keptTree = scaleOut(chained, cloud).tree();
            FitTree freshTree =
                    scaleOut(new SnapshotIndex(snapshot, Map.of(), null), cloud).tree();
            assertThat(keptTree.consistent()).isTrue();
            for (int b = 0; b < Math.max(keptTree.capacity(), freshTree.capacity()); b++) {
                boolean closed = b >= keptTree.capacity() || keptTree.closed(b);
                assertThat(closed)
                        .as("seed %d scan %d bin %d closed", seed, scan, b)
                        .isEqualTo(b >= freshTree.capacity() || freshTree.closed(b));
                if (!closed) {
                    assertThat(keptTree.free(b))
                            .as("seed %d scan %d bin %d", seed, scan, b)
                            .containsExactly(freshTree.free(b));
                }
            }
        }
    }

    /**
     * Bins that moved take the room of their last place without computing it: a node joins ahead of ten (each moves
     * one place on), then one of them leaves (those after it move one back); every node has a room of its own, so a
     * room copied from the wrong place shows.
     */
    @Test
    void binsThatMovedKeepTheirRoom() {
        List<NodeInfo> ten = new ArrayList<>();
        List<PodInfo> pods = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ten.add(node("n" + i, G, SMALL));
            pods.add(running("p" + i, G, cpuMem(250L * (i + 1), GI * i), "n" + i, T0));
        }
        NodeInfo joined = node("joined", G, SMALL);
        List<NodeInfo> withJoined = new ArrayList<>(ten);
        withJoined.add(0, joined);
        List<NodeInfo> oneLeft = new ArrayList<>(withJoined);
        oneLeft.remove(5); // n4
        Map<String, CloudInstance> instances = new HashMap<>(); // the same objects in every description
        cloudFor(withJoined, 0, 60).instances().forEach(i -> instances.put(i.id(), i));
        SnapshotIndex chained = null;
        List<Integer> copied = new ArrayList<>();
        for (List<NodeInfo> nodes : List.of(ten, ten, withJoined, oneLeft)) {
            ClusterSnapshot snapshot = new ClusterSnapshot(T0, nodes, pods, List.of());
            CloudGroup cloud = describing(nodes, instances);
            chained = new SnapshotIndex(snapshot, Map.of(), chained);
            FitTree kept = scaleOut(chained, cloud).tree();
            copied.add(chained.keptTrees(G).get(0).copied());
            FitTree fresh =
                    scaleOut(new SnapshotIndex(snapshot, Map.of(), null), cloud).tree();
            for (int bin = 0; bin < nodes.size(); bin++) {
                assertThat(kept.free(bin)).as("%s bin %d", nodes, bin).containsExactly(fresh.free(bin));
            }
        }
        assertThat(copied).containsExactly(0, 0, 10, 5);
    }

    /**
     * A bin handed again where another was loaded since: a and b twice, then node c joins ahead of them (every bin
     * moves one place on), then leaves (a's bin is back at its first place); the nodes, pods and instances are the
     * very same objects throughout, so the classification hands the very same bins. The tree must hold a's room there
     * again, not c's.
     */
    @Test
    void aBinBackAtAPlaceAnotherHeldIsLoadedAgain() {
        NodeInfo a = node("a", G, SMALL);
        NodeInfo b = node("b", G, SMALL);
        NodeInfo c = node("c", G, SMALL); // empty: more room than a, the same shape (the same kept tree)
        List<PodInfo> onA = List.of(running("pa", G, cpuMem(3000, 4 * GI), "a", T0));
        Map<String, CloudInstance> instances = new HashMap<>(); // the same objects in every description
        cloudFor(List.of(a, b, c), 0, 60).instances().forEach(i -> instances.put(i.id(), i));
        SnapshotIndex chained = null;
        for (List<NodeInfo> nodes : List.of(List.of(a, b), List.of(a, b), List.of(c, a, b), List.of(a, b))) {
            ClusterSnapshot snapshot = new ClusterSnapshot(T0, nodes, onA, List.of());
            CloudGroup cloud = describing(nodes, instances);
            chained = new SnapshotIndex(snapshot, Map.of(), chained);
            FitTree kept = scaleOut(chained, cloud).tree();
            FitTree fresh =
                    scaleOut(new SnapshotIndex(snapshot, Map.of(), null), cloud).tree();
            for (int bin = 0; bin < nodes.size(); bin++) {
                assertThat(kept.free(bin)).as("%s bin %d", nodes, bin).containsExactly(fresh.free(bin));
            }
        }
    }

    /**
     * A load that fails half way (here a node advertising a resource the pass's shape was not told of, as node counts
     * out of step would give) leaves no bin whose room was written without its ranges: the next pass holds the tree a
     * fresh one does.
     */
    @Test
    void aLoadThatFailsHalfWayLeavesNoStaleRangesBehind() {
        Resources withFoo = res("cpu", 4000, "memory", 16 * GI, "pods", 110_000, "example.com/foo", 1000);
        List<NodeInfo> nodes = new ArrayList<>();
        List<PodInfo> pods = new ArrayList<>(List.of(pending("w", G, cpuMem(3000, GI))));
        for (int i = 0; i < 10; i++) {
            nodes.add(node("n" + i, G, SMALL));
            pods.add(running("p" + i, G, cpuMem(1000, GI), "n" + i, T0));
        }
        CloudGroup cloud = cloudFor(nodes, 0, 60);
        SnapshotIndex first = new SnapshotIndex(new ClusterSnapshot(T0, nodes, pods, List.of()), Map.of(), null);
        scaleOut(first, cloud); // the kept tree loaded

        // The next pass: the first nodes' pods changed (their rooms are written first), then the broken node.
        List<PodInfo> changed = new ArrayList<>(pods);
        for (int i = 0; i < 5; i++) {
            changed.add(running("q" + i, G, cpuMem(2000, GI), "n" + i, T0));
        }
        List<NodeInfo> broken = new ArrayList<>(nodes);
        broken.set(7, node("n7", G, withFoo));
        SnapshotIndex second = new SnapshotIndex(new ClusterSnapshot(T0, broken, changed, List.of()), Map.of(), first);
        assertThatThrownBy(() -> scaleOut(second, cloud, nodes)) // not told of foo
                .isInstanceOf(IllegalStateException.class);

        ClusterSnapshot third = new ClusterSnapshot(T0, nodes, changed, List.of());
        FitTree kept =
                scaleOut(new SnapshotIndex(third, Map.of(), second), cloud).tree();
        FitTree fresh =
                scaleOut(new SnapshotIndex(third, Map.of(), null), cloud).tree();
        assertThat(kept.consistent()).as("every range computed from its bins").isTrue();
        for (int b = 0; b < nodes.size(); b++) {
            assertThat(kept.free(b)).as("bin %d", b).containsExactly(fresh.free(b));
        }
    }

    /** A description of {@code nodes}' instances, the very same objects from one description to the next. */
    private static CloudGroup describing(List<NodeInfo> nodes, Map<String, CloudInstance> instances) {
        return new CloudGroup(
                "asg",
                nodes.size(),
                0,
                60,
                nodes.stream().map(n -> instances.get(n.instanceId())).toList(),
                List.of(),
                false);
    }

    /** The scale-out step of a pass on the index, as {@link Planner} runs it. */
    private static ScaleOut scaleOut(SnapshotIndex index, CloudGroup cloud) {
        return scaleOut(index, cloud, index.nodes(G));
    }

    /** As above, the new-node shape learnt from {@code shapeFrom} rather than the index's nodes. */
    private static ScaleOut scaleOut(SnapshotIndex index, CloudGroup cloud, List<NodeInfo> shapeFrom) {
        ScaleOut[] out = new ScaleOut[1];
        NewNodeShapes.plan(spec(G, 0, 60, SMALL), cloud, (s, kinds, learnShape, setAside) -> {
            PassInput in = PassInput.of(s, index, cloud, T0, Map.of(), kinds, learnShape, Set.of());
            List<NodeInfo> nodes = index.nodes(G);
            List<PodInfo> pending = index.pending(G);
            Classification c = Classification.of(in, nodes, index.loads(G), index.instancesOf(nodes, cloud));
            out[0] = ScaleOut.plan(in, NewNodeShape.learn(in, shapeFrom, pending), c, pending);
            return new GroupPlan(G, List.of(), 0, 0, 0, 0, 0, 0, 0, 0, 0, null);
        });
        return out[0];
    }

    private static List<PodInfo> randomPods(Random rnd, String node, int first) {
        List<PodInfo> out = new ArrayList<>();
        for (int p = 0; p < rnd.nextInt(4); p++) {
            out.add(running("p" + (first + p), G, cpuMem(250L * (1 + rnd.nextInt(12)), GI * rnd.nextInt(8)), node, T0));
        }
        return out;
    }

    private static List<PodInfo> randomWaiting(Random rnd, int first) {
        List<PodInfo> out = new ArrayList<>();
        for (int p = 0; p < rnd.nextInt(12); p++) {
            out.add(pending("w" + (first + p), G, cpuMem(250L * (1 + rnd.nextInt(12)), GI * rnd.nextInt(8))));
        }
        return out;
    }
}
