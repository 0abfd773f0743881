package io.joblane.scaler.plan;

import static io.joblane.scaler.plan.Fixtures.GI;
import static io.joblane.scaler.plan.Fixtures.T0;
import static io.joblane.scaler.plan.Fixtures.instance;
import static io.joblane.scaler.plan.Fixtures.pending;
import static io.joblane.scaler.plan.Fixtures.res;
import static io.joblane.scaler.plan.Fixtures.running;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.joblane.scaler.cloud.CloudGroup;
import io.joblane.scaler.cloud.CloudInstance;
import io.joblane.scaler.cloud.InstanceList;
import io.joblane.scaler.cloud.LifecycleState;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Guards what the classification and the snapshot index keep from scan to scan (a node's bin and counts, its instance,
 * its group and handed load, the nodeless instances, the recent Job pods): random scans, each changing some nodes,
 * pods, instances and the instant, answer exactly as an index and a classification built afresh.
 */
class ClassificationKeptTest {
    private static final String G = "batch";
    private static final Resources PLAIN = res("cpu", 4000, "memory", 16 * GI, "pods", 110_000);
    private static final Resources GPU = res("cpu", 4000, "memory", 16 * GI, "pods", 110_000, "nvidia.com/gpu", 1000);
    private static final LifecycleState[] STATES = {
        LifecycleState.IN_SERVICE,
        LifecycleState.IN_SERVICE,
        LifecycleState.IN_SERVICE,
        LifecycleState.PENDING,
        LifecycleState.TERMINATING
    };

    /** One random cluster, its nodes beside their pods and instances, changed a little at every scan. */
    private static final class Cluster {
        final Random r;
        final List<NodeInfo> nodes = new ArrayList<>();
        final List<List<PodInfo>> pods = new ArrayList<>();
        /** Immutable, as a describe hands it: the same object (CloudGroup keeps it) while no instance changes. */
        List<CloudInstance> instances = List.of();

        Instant now = T0;
        int made;

        Cluster(long seed) {
            r = new Random(seed);
            for (int i = 0; i < 20 + r.nextInt(20); i++) {
                add(nodes.size());
            }
        }

        void add(int at) {
            String name = "n" + made++;
            String nodeless = r.nextInt(3) == 0 ? aNodelessInstanceId() : null;
            if (nodeless != null) { // an instance that had no node registers one
                nodes.add(at, node(name, nodeless));
                pods.add(at, podsOf(name));
                return;
            }
            NodeInfo n = node(name, r.nextInt(8) == 0 ? null : "i-" + name);
            nodes.add(at, n);
            pods.add(at, podsOf(name));
            if (n.instanceId() != null && r.nextInt(6) > 0) {
                List<CloudInstance> changed = new ArrayList<>(instances);
                changed.add(Math.min(at, instances.size()), instanceOf(n.instanceId()));
                instances = List.copyOf(changed);
            }
        }

        /** The id of a listed instance no node has, or null. */
        String aNodelessInstanceId() {
            Set<String> withNode = new java.util.HashSet<>();
            nodes.forEach(n -> withNode.add(n.instanceId()));
            List<String> ids = instances.stream()
                    .map(CloudInstance::id)
                    .filter(id -> !withNode.contains(id))
                    .toList();
            return ids.isEmpty() ? null : ids.get(r.nextInt(ids.size()));
        }

        NodeInfo node(String name, String instanceId) {
            int cordon = r.nextInt(8);
            DrainState[] drains = DrainState.values();
            return new NodeInfo(
                    name,
                    r.nextInt(10) == 0 ? "other" : G,
                    instanceId,
                    r.nextInt(4) == 0 ? GPU : PLAIN,
                    r.nextInt(5) > 0,
                    r.nextInt(12) == 0 ? null : now.minusSeconds(r.nextInt(1800)), // around the 15-minute timeout
                    cordon >= 6,
                    cordon == 6,
                    r.nextInt(5) == 0 ? drains[1 + r.nextInt(drains.length - 1)] : DrainState.NONE,
                    false,
                    null,
                    null,
                    null,
                    r.nextInt(15) == 0 ? now : null,
                    null,
                    r.nextInt(15) == 0 ? SpotNotice.INTERRUPTION : SpotNotice.NONE,
                    null,
                    Map.of(),
                    List.of());
        }

        List<PodInfo> podsOf(String node) {
            List<PodInfo> out = new ArrayList<>();
            for (int k = r.nextInt(3); k > 0; k--) {
                out.add(running(
                        node + "-p" + made++, G, Fixtures.cpuMem(500, GI), node, now.minusSeconds(r.nextInt(3600))));
            }
            return r.nextBoolean() ? new NodePods(out) : List.copyOf(out);
        }

        CloudInstance instanceOf(String id) {
            return instance(id, STATES[r.nextInt(STATES.length)], now.minusSeconds(r.nextInt(1800)), true);
        }

        /** A few changes, as between two scans; sometimes none. */
        void change() {
            for (int c = r.nextInt(4); c > 0 && !nodes.isEmpty(); c--) {
                int at = r.nextInt(nodes.size());
                switch (r.nextInt(7)) {
                    case 0 ->
                        nodes.set(at, node(nodes.get(at).name(), nodes.get(at).instanceId())); // a new object
                    case 1 -> add(r.nextInt(nodes.size() + 1));
                    case 2 -> {
                        nodes.remove(at);
                        pods.remove(at);
                    }
                    case 3 -> pods.set(at, podsOf(nodes.get(at).name()));
                    case 4 -> { // an instance changes state (a new object), goes, or a nodeless one comes
                        List<CloudInstance> changed = new ArrayList<>(instances);
                        int i = r.nextInt(changed.size() + 1);
                        if (i == changed.size()) {
                            changed.add(instanceOf("i-x" + made++));
                        } else if (r.nextBoolean()) {
                            changed.set(i, instanceOf(changed.get(i).id()));
                        } else {
                            changed.remove(i);
                        }
                        instances = List.copyOf(changed);
                    }
                    case 5 -> { // two nodes swap places
                        int other = r.nextInt(nodes.size());
                        nodes.set(at, nodes.set(other, nodes.get(at)));
                        pods.set(at, pods.set(other, pods.get(at)));
                    }
                    default -> { // an instance id repeats for a while, or the instances come in another order
                        List<CloudInstance> changed = new ArrayList<>(instances);
                        if (!changed.isEmpty() && r.nextBoolean()) {
                            changed.add(instanceOf(
                                    changed.get(r.nextInt(changed.size())).id()));
                        } else {
                            java.util.Collections.shuffle(changed, r);
                        }
                        instances = List.copyOf(changed);
                    }
                }
            }
            now = now.plusSeconds(r.nextInt(10) == 0 ? 0 : r.nextInt(400));
        }

        ClusterSnapshot snapshot() {
            return snapshot(nodes, pods, true);
        }

        /** {@code nodes} beside their {@code pods} now, with or without a waiting pod. */
        ClusterSnapshot snapshot(List<NodeInfo> nodes, List<List<PodInfo>> pods, boolean waiting) {
            return new ClusterSnapshot(
                    now,
                    new ArrayList<>(nodes),
                    waiting ? List.of(pending("w" + made, G, Fixtures.cpuMem(3000, GI))) : List.of(),
                    List.of(),
                    new ArrayList<>(pods));
        }

        /**
         * How the last broken node came: 0 a new node (the classification fails, the places moved), 1 a node changed
         * in place (the classification fails while patching, when the node is the group's capacity), 2 a node changed
         * in place, idle (scale-in fails, after scale-out and the drain choice took what they keep).
         */
        int brokenWay;

        /**
         * {@link #snapshot} with a node at a random place that fails the plan: not ready and created at the last
         * instant there is (its registration deadline cannot be computed: the classification fails), or idle since
         * then (its scale-in delay cannot: scale-in fails, after scale-out and the drain choice took what they keep).
         */
        ClusterSnapshot snapshotWithBrokenNode() {
            List<NodeInfo> withBroken = new ArrayList<>(nodes);
            List<List<PodInfo>> podsWithBroken = new ArrayList<>(pods);
            brokenWay = r.nextInt(3);
            if (brokenWay == 0) { // a new node: the places move
                int at = r.nextInt(nodes.size() + 1);
                withBroken.add(at, Fixtures.notReady(Fixtures.node("broken" + made++, G, PLAIN), Instant.MAX));
                podsWithBroken.add(at, List.of());
            } else { // a node of the group changed in place, on its instance, emptied
                int at = r.nextInt(nodes.size());
                NodeInfo n = node(nodes.get(at).name(), nodes.get(at).instanceId());
                withBroken.set(
                        at,
                        brokenWay == 2 ? Fixtures.unneededSince(n, Instant.MAX) : Fixtures.notReady(n, Instant.MAX));
                podsWithBroken.set(at, List.of());
            }
            // Nothing waits for the idle node, so scale-in looks at it.
            return snapshot(withBroken, podsWithBroken, brokenWay != 2);
        }

        /** The list the last {@link #cloud} handed, and the instances it was made of. */
        private InstanceList handed;

        private List<CloudInstance> handedOf;

        CloudGroup cloud() {
            if (instances != handedOf) {
                handed = handedAfter(handed, instances);
                handedOf = instances;
            }
            return new CloudGroup("asg", instances.size() + r.nextInt(3), 0, 100, handed, List.of(), false);
        }

        /**
         * {@code now} as a provider hands it: saying how it came from {@code last} (the objects that came and went)
         * when the others kept their order, and sometimes not at all, as a provider that does not say.
         */
        private InstanceList handedAfter(InstanceList last, List<CloudInstance> now) {
            CloudInstance[] items = now.toArray(CloudInstance[]::new);
            if (last == null || r.nextInt(10) == 0) {
                return InstanceList.of(items);
            }
            Set<CloudInstance> before = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            before.addAll(last);
            Set<CloudInstance> after = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            after.addAll(now);
            List<CloudInstance> went =
                    last.stream().filter(i -> !after.contains(i)).toList();
            List<CloudInstance> came =
                    now.stream().filter(i -> !before.contains(i)).toList();
            List<CloudInstance> keptBefore =
                    last.stream().filter(after::contains).toList();
            List<CloudInstance> keptAfter =
                    now.stream().filter(before::contains).toList();
            boolean sameOrder = java.util.stream.IntStream.range(0, keptBefore.size())
                    .allMatch(k -> keptBefore.get(k) == keptAfter.get(k));
            return sameOrder ? InstanceList.edited(items, last, came, went) : InstanceList.of(items);
        }
    }

    @Test
    void keptClassificationAnswersAsAFreshOneScanAfterScan() {
        int layoutsCopied = 0;
        for (long seed = 0; seed < 40; seed++) {
            Cluster c = new Cluster(seed);
            SnapshotIndex last = null;
            for (int scan = 0; scan < 60; scan++) {
                c.change();
                GroupSpec spec = c.r.nextInt(20) == 0 ? Fixtures.spec(G, 0, 100, GPU) : Fixtures.spec(G, 0, 100, PLAIN);
                ClusterSnapshot snapshot = c.snapshot();
                CloudGroup cloud = c.cloud();
                SnapshotIndex kept = new SnapshotIndex(snapshot, Map.of(), last);
                SnapshotIndex fresh = new SnapshotIndex(snapshot, Map.of(), null);
                String where = "seed " + seed + " scan " + scan;

                assertThat(kept.nodeless(cloud)).as(where).isEqualTo(fresh.nodeless(cloud.instances()));
                Instant from = c.now.minusSeconds(c.r.nextInt(3600));
                assertThat(kept.jobPods(G, from)).as(where).isEqualTo(fresh.jobPods(G, from));
                assertThat(kept.jobPods(G)).as(where).isEqualTo(fresh.jobPods(G));
                int copiedBefore = kept.keptClassification(G).layoutsCopied();
                assertSameClassification(where, spec, kept, fresh, cloud, c.now);
                layoutsCopied += kept.keptClassification(G).layoutsCopied() - copiedBefore; // from the last scan's
                // An index of its own: a fresh one's classification, taken again in the same scan, would copy too.
                assertThat(Planner.plan(spec, kept, cloud, c.now))
                        .as(where)
                        .isEqualTo(Planner.plan(spec, new SnapshotIndex(snapshot, Map.of(), null), cloud, c.now));
                last = kept;
            }
        }
        assertThat(layoutsCopied)
                .as("scans in which no node moved or changed kind copied the last scan's layout by kind")
                .isGreaterThan(100);
    }

    /**
     * As above, with some scans failing half way through the plan ({@link Cluster#snapshotWithBrokenNode}): the scans
     * after one answer as a fresh index and classification do, whatever the failed pass had already patched of what is
     * kept (the loop keeps that scan's index for the next).
     */
    @Test
    void scansAfterAPassThatFailedHalfWayAnswerAsFreshOnes() {
        int[] failed = new int[3]; // by Cluster#brokenWay
        for (long seed = 0; seed < 40; seed++) {
            Cluster c = new Cluster(seed);
            SnapshotIndex last = null;
            for (int scan = 0; scan < 40; scan++) {
                c.change();
                GroupSpec spec = Fixtures.spec(G, 0, 100, PLAIN);
                CloudGroup cloud = c.cloud();
                String where = "seed " + seed + " scan " + scan;
                if (c.r.nextInt(5) == 0 && !c.nodes.isEmpty()) {
                    SnapshotIndex broken = new SnapshotIndex(c.snapshotWithBrokenNode(), Map.of(), last);
                    try {
                        Planner.plan(spec, broken, cloud, c.now); // a changed node may be another group's, or leaving
                        assertThat(c.brokenWay)
                                .as(where + ": a new node of the group must fail")
                                .isNotZero();
                    } catch (DateTimeException e) {
                        failed[c.brokenWay]++;
                    }
                    last = broken;
                    continue;
                }
                ClusterSnapshot snapshot = c.snapshot();
                SnapshotIndex kept = new SnapshotIndex(snapshot, Map.of(), last);
                assertSameClassification(where, spec, kept, new SnapshotIndex(snapshot, Map.of(), null), cloud, c.now);
                assertThat(Planner.plan(spec, kept, cloud, c.now))
                        .as(where)
                        .isEqualTo(Planner.plan(spec, new SnapshotIndex(snapshot, Map.of(), null), cloud, c.now));
                last = kept;
            }
        }
        assertThat(failed[0]).as("failed in the classification, places moved").isGreaterThan(20);
        assertThat(failed[1])
                .as("failed in the classification patched in place")
                .isGreaterThan(20);
        assertThat(failed[2]).as("failed in scale-in").isGreaterThan(20);
    }

    /** The classification of {@code spec}'s group on both indexes holds the same bins, positions and counts. */
    static void assertSameClassification(
            String where, GroupSpec spec, SnapshotIndex kept, SnapshotIndex fresh, CloudGroup cloud, Instant now) {
        PassInput keptIn = PassInput.of(spec, kept, cloud, now, Map.of(), List.of(), true, Set.of());
        PassInput freshIn = PassInput.of(spec, fresh, cloud, now, Map.of(), List.of(), true, Set.of());
        List<NodeInfo> nodes = kept.nodes(spec.name());
        assertThat(nodes).as(where).isEqualTo(fresh.nodes(spec.name()));
        assertThat(podsOf(kept.loads(spec.name()), nodes.size()))
                .as(where)
                .isEqualTo(podsOf(fresh.loads(spec.name()), nodes.size()));
        CloudInstance[] keptInstances = kept.instancesOf(nodes, cloud);
        CloudInstance[] freshInstances = fresh.instancesOf(nodes, cloud);
        for (int i = 0; i < nodes.size(); i++) {
            assertThat(keptInstances[i]).as(where + " instance of node " + i).isSameAs(freshInstances[i]);
        }
        Classification a = Classification.of(keptIn, nodes, kept.loads(spec.name()), keptInstances);
        Classification b = Classification.of(freshIn, nodes, fresh.loads(spec.name()), freshInstances);

        assertThat(a.bins().stream().map(ClassificationKeptTest::withoutLoad).toList())
                .as(where)
                .isEqualTo(b.bins().stream()
                        .map(ClassificationKeptTest::withoutLoad)
                        .toList());
        assertThat(a.bins().stream().map(x -> x.load().pods()).toList())
                .as(where)
                .isEqualTo(b.bins().stream().map(x -> x.load().pods()).toList());
        assertThat(positions(a)).as(where + " positions").isEqualTo(positions(b));
        assertThat(List.of(a.ready(), a.draining(), a.cordoned(), a.noticed(), a.launching()))
                .as(where)
                .isEqualTo(List.of(b.ready(), b.draining(), b.cordoned(), b.noticed(), b.launching()));
        assertThat(keptIn.deadlines().next())
                .as(where)
                .isEqualTo(freshIn.deadlines().next());
    }

    /** The nodeless instances of the same description are the last index's only while nodes keep their instances. */
    @Test
    void nodelessInstancesFollowTheNodesOfTheSameDescription() {
        NodeInfo a = Fixtures.node("a", G);
        NodeInfo b = Fixtures.node("b", G);
        NodeInfo b2 = Fixtures.unneededSince(b, T0); // another object, the same instance
        CloudGroup cloud = Fixtures.cloudFor(List.of(a, b), 0, 10);
        List<CloudInstance> described = cloud.instances();
        SnapshotIndex both = new SnapshotIndex(new ClusterSnapshot(T0, List.of(a, b), List.of(), List.of()));
        assertThat(both.nodeless(described)).isEmpty();

        SnapshotIndex changed =
                new SnapshotIndex(new ClusterSnapshot(T0, List.of(a, b2), List.of(), List.of()), Map.of(), both);
        SnapshotIndex gone =
                new SnapshotIndex(new ClusterSnapshot(T0, List.of(a), List.of(), List.of()), Map.of(), both);

        assertThat(changed.nodeless(described)).isEmpty();
        assertThat(gone.nodeless(described)).containsExactly(described.get(1));
    }

    /** Loads compared by their pods: a load built from a plain list is another object in a fresh index. */
    private static List<List<PodInfo>> podsOf(NodeLoad[] loads, int size) {
        List<List<PodInfo>> out = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            out.add(loads[i].pods());
        }
        return out;
    }

    private static Bin withoutLoad(Bin b) {
        return new Bin(b.kind(), b.node(), b.instanceId(), b.uninitialised(), b.newNodeKind(), null);
    }

    /** Each bin's node's position, in bin order. */
    private static List<Integer> positions(Classification c) {
        List<Integer> out = new ArrayList<>();
        for (int k = 0; k < c.bins().size(); k++) {
            out.add(c.at(k));
        }
        return out;
    }

    /** The kept outcome of a node is taken only while the node and its instance are the very same objects. */
    @Test
    void aNodeChangedUnderTheSameNameIsClassifiedAgain() {
        Cluster c = new Cluster(7);
        NodeInfo first = c.node("a", "i-a");
        NodeInfo ready = Fixtures.node("a", G, PLAIN);
        NodeInfo cordoned = Fixtures.cordonedByJoblane(ready, T0);
        CloudGroup cloud = new CloudGroup(
                "asg", 1, 0, 10, List.of(instance("i-a", LifecycleState.IN_SERVICE, T0, true)), List.of(), false);
        SnapshotIndex last = null;
        for (NodeInfo n : List.of(first, ready, ready, cordoned, cordoned, ready)) {
            SnapshotIndex index =
                    new SnapshotIndex(new ClusterSnapshot(T0, List.of(n), List.of(), List.of()), Map.of(), last);
            PassInput in = PassInput.of(Fixtures.spec(G), index, cloud, T0, Map.of(), List.of(), true, Set.of());
            Classification kept =
                    Classification.of(in, index.nodes(G), index.loads(G), index.instancesOf(List.of(n), cloud));
            if (n != first) {
                assertThat(kept.bins()).hasSize(1);
                assertThat(kept.bins().get(0).kind()).isEqualTo(n == ready ? Bin.Kind.FREE : Bin.Kind.RECLAIMABLE);
                assertThat(kept.cordoned()).isEqualTo(n == ready ? 0 : 1);
            }
            last = index;
        }
    }

    /**
     * A pass that throws half way (here a node whose creation time overflows the registration timeout) leaves nothing
     * kept that the next pass would build on: its counts and bins are those of a classification made afresh.
     */
    @Test
    void aPassThatThrowsHalfWayLeavesNothingKeptBehind() {
        NodeInfo a = Fixtures.node("a", G, PLAIN);
        NodeInfo b = Fixtures.node("b", G, PLAIN);
        NodeInfo broken = Fixtures.notReady(Fixtures.node("b", G, PLAIN), Instant.MAX);
        NodeInfo back = Fixtures.node("b", G, PLAIN);
        CloudGroup cloud = Fixtures.cloudFor(List.of(a, b), 0, 10);
        GroupSpec spec = Fixtures.spec(G, 0, 10, PLAIN);
        SnapshotIndex last = null;
        for (List<NodeInfo> nodes : List.of(List.of(a, b), List.of(a, broken), List.of(a, back))) {
            ClusterSnapshot snapshot = new ClusterSnapshot(T0, nodes, List.of(), List.of());
            SnapshotIndex kept = new SnapshotIndex(snapshot, Map.of(), last);
            last = kept;
            if (nodes.contains(broken)) {
                PassInput in = PassInput.of(spec, kept, cloud, T0, Map.of(), List.of(), true, Set.of());
                assertThatThrownBy(() -> Classification.of(
                                in, kept.nodes(G), kept.loads(G), kept.instancesOf(kept.nodes(G), cloud)))
                        .isInstanceOf(DateTimeException.class);
                continue;
            }
            SnapshotIndex fresh = new SnapshotIndex(snapshot, Map.of(), null);
            assertSameClassification("nodes " + nodes, spec, kept, fresh, cloud, T0);
        }
    }
}
