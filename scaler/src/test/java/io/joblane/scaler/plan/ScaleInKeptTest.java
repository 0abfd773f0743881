package io.joblane.scaler.plan;

import static io.joblane.scaler.plan.Fixtures.GI;
import static io.joblane.scaler.plan.Fixtures.T0;
import static io.joblane.scaler.plan.Fixtures.res;
import static io.joblane.scaler.plan.Fixtures.spec;
import static io.joblane.scaler.plan.Fixtures.withCostTiming;
import static io.joblane.scaler.plan.Fixtures.withMaxDraining;
import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.scaler.cloud.CloudGroup;
import io.joblane.scaler.cloud.CloudInstance;
import io.joblane.scaler.cloud.LifecycleState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What scale-in keeps across scans ({@link ScaleInKept}) against a fresh computation: random sequences of scans in
 * which nodes change (their objects replaced), their pods or instances change, nodes come, go and move, and the clock
 * moves. Every plan made with the index handed from scan to scan must equal the plan made from a fresh index.
 */
class ScaleInKeptTest {
    private static final String G = "batch";
    private static final Resources ALLOC = res("cpu", 4000, "memory", 16 * GI, "pods", 110_000);

    /** A random cluster state, changed a little at every scan. */
    private static final class World extends RandomGroup {
        World(long seed, int size) {
            super(seed);
            fill(size);
        }

        @Override
        NodeInfo node(String name) {
            boolean ready = r.nextInt(8) != 0;
            boolean cordoned = r.nextInt(4) == 0;
            boolean byJoblane = cordoned && r.nextBoolean();
            DrainState draining = r.nextInt(6) != 0
                    ? DrainState.NONE
                    : r.nextBoolean() ? DrainState.PREFER_NO_SCHEDULE : DrainState.NO_SCHEDULE;
            return new NodeInfo(
                    name,
                    G,
                    r.nextInt(20) == 0 ? null : "i-" + name,
                    ALLOC,
                    ready,
                    r.nextInt(20) == 0 ? null : now.minusSeconds(600L * r.nextInt(5)), // ages tie often
                    cordoned,
                    byJoblane,
                    draining,
                    r.nextInt(12) == 0,
                    r.nextInt(3) == 0 ? now.minusSeconds(r.nextInt(4) * 60L) : null,
                    byJoblane || r.nextInt(12) == 0 ? now.minusSeconds(r.nextInt(60)) : null,
                    draining != DrainState.NONE && r.nextInt(4) != 0 ? now.minusSeconds(r.nextInt(60)) : null,
                    r.nextInt(15) == 0 ? now.minusSeconds(r.nextInt(100)) : null,
                    !ready && r.nextBoolean() ? now.minusSeconds(r.nextInt(2000)) : null,
                    r.nextInt(15) == 0 ? SpotNotice.INTERRUPTION : SpotNotice.NONE,
                    null,
                    Map.of(),
                    List.of());
        }

        /** Half the nodes empty, the others one to three Job pods (some recent: arrivals), now and then a finished one. */
        @Override
        List<PodInfo> pods(String node) {
            int count = r.nextBoolean() ? 0 : 1 + r.nextInt(3);
            List<PodInfo> out = new ArrayList<>();
            for (int k = 0; k < count; k++) {
                Instant created = now.minusSeconds(r.nextInt(1200));
                out.add(new PodInfo(
                        "uid-p" + podNames,
                        "default",
                        "p" + podNames++,
                        G,
                        res("cpu", 250L * (1 + r.nextInt(8)), "memory", GI * (1 + r.nextInt(4))),
                        r.nextInt(10) == 0 ? PodPhase.FINISHED : PodPhase.RUNNING,
                        true,
                        false,
                        false,
                        node,
                        created,
                        created,
                        null,
                        Map.of(),
                        PodConstraints.NONE));
            }
            return r.nextInt(5) == 0 ? out : new NodePods(out); // mostly handed node by node, kept while unchanged
        }

        @Override
        void instance(String name) {
            int s = r.nextInt(12);
            LifecycleState state = s == 0
                    ? LifecycleState.TERMINATING
                    : s == 1 ? LifecycleState.PENDING : s == 2 ? LifecycleState.STANDBY : LifecycleState.IN_SERVICE;
            if (r.nextInt(25) == 0) {
                instances.remove("i-" + name);
            } else {
                instances.put("i-" + name, new CloudInstance("i-" + name, "zone-a", state, true, true, now));
            }
        }

        /** A few changes and a clock move, as between two scans. */
        void step() {
            now = now.plusSeconds(r.nextInt(4) == 0 ? 0 : r.nextInt(90));
            int changes = r.nextInt(4);
            for (int c = 0; c < changes && !nodes.isEmpty(); c++) {
                int at = r.nextInt(nodes.size());
                String name = nodes.get(at).name();
                switch (r.nextInt(7)) {
                    case 0, 1 -> nodes.set(at, node(name));
                    case 2 -> pods.set(at, pods(name));
                    case 3 -> instance(name);
                    case 4 -> {
                        nodes.remove(at);
                        pods.remove(at);
                    }
                    case 5 -> add(r.nextBoolean() ? nodes.size() : at);
                    default -> { // two nodes swap places
                        int other = r.nextInt(nodes.size());
                        NodeInfo n = nodes.get(at);
                        nodes.set(at, nodes.get(other));
                        nodes.set(other, n);
                        List<PodInfo> p = pods.get(at);
                        pods.set(at, pods.get(other));
                        pods.set(other, p);
                    }
                }
            }
        }

        ClusterSnapshot snapshot() {
            List<PodInfo> pending = new ArrayList<>();
            int waiting = r.nextInt(3) == 0 ? r.nextInt(4) : 0;
            for (int k = 0; k < waiting; k++) {
                pending.add(Fixtures.pending("w" + podNames++, G, res("cpu", 500L * (1 + r.nextInt(6)), "memory", GI)));
            }
            return new ClusterSnapshot(now, List.copyOf(nodes), pending, List.of(), List.copyOf(pods));
        }

        CloudGroup cloud() {
            List<CloudInstance> inst = described();
            int desired = Math.max(0, inst.size() + r.nextInt(3) - 1);
            return new CloudGroup("asg-" + G, desired, r.nextInt(3), 1000, inst, List.of(), false);
        }
    }

    @Test
    void everyPlanWithTheKeptStateEqualsAFreshOne() {
        Set<Class<?>> seen = new HashSet<>();
        int actions = 0;
        for (long seed = 0; seed < 30; seed++) {
            World w = new World(seed, 5 + (int) (seed % 30));
            GroupSpec spec = withMaxDraining(spec(G), (int) (seed % 3));
            spec = seed % 4 == 0 ? spec : withCostTiming(spec, Duration.ofSeconds(90));
            SnapshotIndex kept = null;
            for (int scan = 0; scan < 120; scan++) {
                w.step();
                ClusterSnapshot snapshot = w.snapshot();
                CloudGroup cloud = w.cloud();
                kept = new SnapshotIndex(snapshot, Map.of(), kept);
                GroupPlan withKept = Planner.plan(spec, kept, cloud, w.now);
                GroupPlan fresh = Planner.plan(spec, new SnapshotIndex(snapshot, Map.of(), null), cloud, w.now);
                assertThat(withKept).as("seed %d, scan %d", seed, scan).isEqualTo(fresh);
                withKept.actions().forEach(a -> seen.add(a.getClass()));
                actions += withKept.actions().size();
            }
        }
        // The sequences reach every branch that scale-in's kept state decides on.
        assertThat(seen)
                .contains(
                        PlanAction.Cordon.class,
                        PlanAction.Uncordon.class,
                        PlanAction.Terminate.class,
                        PlanAction.MarkUnneeded.class,
                        PlanAction.ClearCordonMark.class,
                        PlanAction.SetDrain.class);
        assertThat(actions).isGreaterThan(1000);
    }

    @Test
    void theKeptOrdersAndRoomEqualAFreshComputation() {
        for (long seed = 0; seed < 30; seed++) {
            keptOrdersAndRoomEqualFresh(new World(100 + seed, 10 + (int) seed), 200, seed % 2 == 0);
        }
    }

    /** Hundreds of nodes derived afresh at once (the first scan's): the sort's longer merges. */
    @Test
    void theKeptOrdersOfManyNodesDerivedAtOnceEqualAFreshComputation() {
        for (long seed = 0; seed < 6; seed++) {
            keptOrdersAndRoomEqualFresh(new World(200 + seed, 190 + (int) seed * 23), 20, seed % 2 == 0);
        }
    }

    /**
     * An update that fails half way (here two nodes without a name, which the idle order cannot compare) leaves the
     * facts of the last list it took, so the scans after it answer as a fresh computation; it kept a list its facts
     * were not made for, and a group that had grown then failed at every later scan.
     */
    @Test
    void anUpdateThatFailsHalfWayLeavesTheLastFactsWhole() {
        Resources overhead = res("cpu", 100, "memory", GI / 4);
        Resources usable = ALLOC.minus(overhead);
        int failed = 0;
        for (long seed = 0; seed < 20; seed++) {
            World w = new World(300 + seed, 10 + (int) seed);
            ScaleInKept kept = new ScaleInKept();
            SnapshotIndex index = null;
            for (int scan = 0; scan < 60; scan++) {
                w.step();
                CloudGroup cloud = w.cloud();
                index = new SnapshotIndex(w.snapshot(), Map.of(), index);
                List<NodeInfo> nodes = index.nodes(G);
                NodeLoad[] loads = index.loads(G);
                CloudInstance[] inst = index.instancesOf(nodes, cloud);
                if (w.r.nextInt(4) == 0) {
                    List<NodeInfo> grown = new ArrayList<>(nodes);
                    List<NodeLoad> grownLoads = new ArrayList<>(Arrays.asList(loads));
                    List<CloudInstance> grownInst = new ArrayList<>(Arrays.asList(inst));
                    for (String id : List.of("i-x" + scan, "i-y" + scan)) {
                        int at = w.r.nextInt(grown.size() + 1);
                        grown.add(at, Fixtures.onInstance(Fixtures.node(null, G, ALLOC), id, T0));
                        grownLoads.add(at, NodeLoad.NONE);
                        grownInst.add(at, Fixtures.instance(id, LifecycleState.IN_SERVICE, T0, true));
                    }
                    org.assertj.core.api.Assertions.assertThatThrownBy(() -> kept.update(
                                    grown,
                                    grownLoads.toArray(NodeLoad[]::new),
                                    grownInst.toArray(CloudInstance[]::new),
                                    overhead,
                                    usable))
                            .isInstanceOf(NullPointerException.class);
                    failed++;
                    continue;
                }
                kept.update(nodes, loads, inst, overhead, usable);
                assertKeptEqualsFresh(kept, nodes, loads, inst, overhead, usable, w.r);
            }
        }
        assertThat(failed).isGreaterThan(100);
    }

    /** {@code byIndex}: the nodes paired by the index, as scale-in asks; else matched afresh. */
    private static void keptOrdersAndRoomEqualFresh(World w, int scans, boolean byIndex) {
        Resources overhead = res("cpu", 100, "memory", GI / 4);
        Resources usable = ALLOC.minus(overhead);
        ScaleInKept kept = new ScaleInKept();
        SnapshotIndex index = null;
        for (int scan = 0; scan < scans; scan++) {
            w.step();
            ClusterSnapshot snapshot = w.snapshot();
            CloudGroup cloud = w.cloud();
            index = new SnapshotIndex(snapshot, Map.of(), index);
            List<NodeInfo> nodes = index.nodes(G);
            NodeLoad[] loads = index.loads(G);
            CloudInstance[] inst = index.instancesOf(nodes, cloud);
            Resources usableNow = scan % 50 == 49 ? ALLOC : usable;
            if (byIndex) {
                kept.update(nodes, loads, inst, overhead, usableNow, index);
            } else {
                kept.update(nodes, loads, inst, overhead, usableNow);
            }
            assertKeptEqualsFresh(kept, nodes, loads, inst, overhead, usableNow, w.r);
        }
    }

    private static void assertKeptEqualsFresh(
            ScaleInKept kept,
            List<NodeInfo> nodes,
            NodeLoad[] loads,
            CloudInstance[] inst,
            Resources overhead,
            Resources usable,
            Random r) {
        int n = nodes.size();
        List<Integer> order = new ArrayList<>();
        List<Integer> idle = new ArrayList<>();
        boolean[] drained = new boolean[n];
        double room = 0;
        for (int i = 0; i < n; i++) {
            drained[i] = r.nextInt(10) == 0;
            if (!ScaleInKept.quiet(nodes.get(i), loads[i], inst[i])) {
                order.add(i);
            }
            if (ScaleInKept.idleBase(nodes.get(i), loads[i], inst[i])) {
                idle.add(i);
            }
            if (ScaleInKept.roomy(nodes.get(i), loads[i]) && !drained[i]) {
                room += IdleNodeRule.freeShare(
                        nodes.get(i).allocatable(),
                        overhead,
                        loads[i].requested(),
                        loads[i].pods().size(),
                        usable);
            }
        }
        order.sort((a, b) -> ScaleInKept.youngerFirst(nodes, a, b));
        idle.sort((a, b) -> ScaleInKept.recentFirst(nodes, a, b));
        assertThat(Arrays.stream(kept.order()).limit(kept.orderSize()).boxed().toList())
                .containsExactlyElementsOf(order);
        assertThat(Arrays.stream(kept.idle()).limit(kept.idleSize()).boxed().toList())
                .containsExactlyElementsOf(idle);
        assertThat(kept.room(drained)).isEqualTo(room);
        assertThat(kept.room(new boolean[n])).isEqualTo(freshRoom(nodes, loads, overhead, usable));
    }

    private static double freshRoom(List<NodeInfo> nodes, NodeLoad[] loads, Resources overhead, Resources usable) {
        double room = 0;
        for (int i = 0; i < nodes.size(); i++) {
            if (loads[i].blocking()
                    && ScaleIn.open(nodes.get(i))
                    && nodes.get(i).draining() == DrainState.NONE
                    && !nodes.get(i).noticed()) {
                room += loads[i].freeShare(nodes.get(i).allocatable(), overhead, usable);
            }
        }
        return room;
    }

    @Test
    void youngestFirstIsTheStableSortByAge() {
        Random random = new Random(14);
        for (int round = 0; round < 300; round++) {
            int n = random.nextInt(40);
            List<NodeInfo> nodes = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Instant created = random.nextInt(8) == 0
                        ? null
                        : T0.plusSeconds(random.nextInt(6)).plusNanos(random.nextInt(2));
                nodes.add(Fixtures.onInstance(Fixtures.node("n" + i, G, ALLOC), "i-n" + i, created));
            }
            List<Integer> stable = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                stable.add(i);
            }
            stable.sort((a, b) -> {
                Instant x = nodes.get(a).created() == null
                        ? Instant.EPOCH
                        : nodes.get(a).created();
                Instant y = nodes.get(b).created() == null
                        ? Instant.EPOCH
                        : nodes.get(b).created();
                return y.compareTo(x); // List.sort is stable: one age keeps position order
            });
            List<Integer> byKept = new ArrayList<>(stable);
            byKept.sort((a, b) -> ScaleInKept.youngerFirst(nodes, a, b));
            assertThat(byKept).containsExactlyElementsOf(stable);
        }
    }
}
