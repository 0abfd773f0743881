package io.joblane.scaler.plan;

import static io.joblane.scaler.plan.Fixtures.GI;
import static io.joblane.scaler.plan.Fixtures.T0;
import static io.joblane.scaler.plan.Fixtures.cloudFor;
import static io.joblane.scaler.plan.Fixtures.cpuMem;
import static io.joblane.scaler.plan.Fixtures.node;
import static io.joblane.scaler.plan.Fixtures.pending;
import static io.joblane.scaler.plan.Fixtures.running;
import static io.joblane.scaler.plan.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.scaler.cloud.CloudGroup;
import io.joblane.scaler.cloud.CloudInstance;
import io.joblane.scaler.cloud.LifecycleState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A node's load carried over from the last scan's index only while its pods are the very same objects. */
class SnapshotIndexReuseTest {
    private static final String G = "batch";

    private static SnapshotIndex index(List<NodeInfo> nodes, List<PodInfo> pods, SnapshotIndex previous) {
        return new SnapshotIndex(new ClusterSnapshot(T0, nodes, pods, List.of()), Map.of(), previous);
    }

    @Test
    void theCapacityInstancesAreCountedAgainForAnotherDescription() {
        // Guards against: a count kept from one describe answering for the next, hiding a gap to desired capacity.
        List<NodeInfo> nodes = List.of(node("n1", "a"), node("n2", "a"));
        SnapshotIndex index = Fixtures.index(nodes, List.of());
        CloudGroup described = cloudFor(nodes, 0, 10);
        CloudGroup oneLeaving =
                Fixtures.withExtra(described, 3, Fixtures.instance("i-x", LifecycleState.TERMINATING, T0, false));
        CloudGroup oneLaunching =
                Fixtures.withExtra(described, 3, Fixtures.instance("i-y", LifecycleState.PENDING, T0, false));

        assertThat(index.capacityInstances(described)).isEqualTo(2);
        assertThat(index.capacityInstances(oneLeaving)).isEqualTo(2).isEqualTo(oneLeaving.capacityInstances());
        assertThat(index.capacityInstances(oneLaunching)).isEqualTo(3);
        assertThat(index.capacityInstances(described)).isEqualTo(2);
    }

    @Test
    void whatADescribeListSaysIsKeptForThatListOnlyFromIndexToIndex() {
        // Guards against: a count or an unprotected list kept from one describe answering for the next (a gap to
        // desired capacity hidden, an instance left unprotected for the cloud to pick as a victim).
        List<NodeInfo> nodes = List.of(node("n1", "a"), node("n2", "a"));
        CloudGroup described = Fixtures.withExtra(
                cloudFor(nodes, 0, 10), 3, Fixtures.instance("i-x", LifecycleState.IN_SERVICE, T0, false));
        SnapshotIndex first = index(nodes, List.of(), null);
        assertThat(first.capacityInstances(described)).isEqualTo(3);
        assertThat(first.unprotectedInService(described)).containsExactly("i-x");

        SnapshotIndex second = index(nodes, List.of(), first);
        CloudGroup sameList = new CloudGroup(
                described.id(), 4, 0, 10, described.instances(), List.of(), false); // next scan, nothing changed
        assertThat(sameList.instances()).isSameAs(described.instances());
        assertThat(second.unprotectedInService(sameList)).isSameAs(first.unprotectedInService(described));
        assertThat(second.capacityInstances(sameList)).isEqualTo(3);

        SnapshotIndex third = index(nodes, List.of(), second);
        CloudGroup changed = Fixtures.withExtra(
                cloudFor(nodes, 0, 10),
                4,
                Fixtures.instance("i-x", LifecycleState.IN_SERVICE, T0, true),
                Fixtures.instance("i-y", LifecycleState.IN_SERVICE, T0, false),
                Fixtures.instance("i-z", LifecycleState.PENDING, T0, false),
                Fixtures.instance("i-w", LifecycleState.TERMINATING, T0, true),
                Fixtures.instance("i-v", LifecycleState.TERMINATED, T0, true));
        assertThat(third.unprotectedInService(changed)).containsExactly("i-y"); // Pending ones are asked later
        assertThat(third.capacityInstances(changed)).isEqualTo(5);
        assertThat(third.unprotectedInService(sameList)).containsExactly("i-x");
        assertThat(third.capacityInstances(sameList)).isEqualTo(3);
        assertThat(third.endingInstances(changed)).extracting(CloudInstance::id).containsExactly("i-w", "i-v");
        assertThat(third.endingInstances(sameList)).isEmpty();
    }

    @Test
    void keepsTheLoadOfANodeWhosePodsAreTheSameObjects() {
        NodeInfo a = node("a", G);
        PodInfo p1 = running("p1", G, cpuMem(1000, GI), "a", T0);
        PodInfo p2 = running("p2", G, cpuMem(500, GI), "a", T0);
        SnapshotIndex first = index(List.of(a), List.of(p1, p2), null);
        Resources summed = first.load("a").requested();

        SnapshotIndex second = index(List.of(a), List.of(p1, p2), first);

        assertThat(second.load("a")).isSameAs(first.load("a"));
        assertThat(second.load("a").requested()).isSameAs(summed).isEqualTo(cpuMem(1500, 2 * GI));
    }

    @Test
    void buildsAFreshLoadWhenAPodIsAddedGoneReplacedOrReordered() {
        NodeInfo a = node("a", G);
        PodInfo p1 = running("p1", G, cpuMem(1000, GI), "a", T0);
        PodInfo p2 = running("p2", G, cpuMem(500, GI), "a", T0);
        SnapshotIndex first = index(List.of(a), List.of(p1, p2), null);
        first.load("a").requested();

        SnapshotIndex added = index(List.of(a), List.of(p1, p2, running("p3", G, cpuMem(250, GI), "a", T0)), first);
        SnapshotIndex gone = index(List.of(a), List.of(p1), first);
        // The same pod name and uid, another object with other requests (a changed resourceVersion in production).
        SnapshotIndex replaced = index(List.of(a), List.of(p1, running("p2", G, cpuMem(3000, GI), "a", T0)), first);
        SnapshotIndex reordered = index(List.of(a), List.of(p2, p1), first);

        assertThat(added.load("a").requested()).isEqualTo(cpuMem(1750, 3 * GI));
        assertThat(gone.load("a").requested()).isEqualTo(cpuMem(1000, GI));
        assertThat(replaced.load("a").requested()).isEqualTo(cpuMem(4000, 2 * GI));
        assertThat(reordered.load("a")).isNotSameAs(first.load("a"));
        assertThat(reordered.load("a").pods()).containsExactly(p2, p1);
        assertThat(index(List.of(a), List.of(), first).load("a")).isSameAs(NodeLoad.NONE);
    }

    /** Guards against a stale cache deciding: a node's free room and busy flag follow its pods of this scan. */
    @Test
    void aNodeWhosePodsChangedIsPlannedFromItsNewPods() {
        NodeInfo a = node("a", G); // 4 cpu
        NodeInfo b = node("b", G);
        PodInfo big = running("big", G, cpuMem(3500, GI), "a", T0);
        PodInfo keep = running("keep", G, cpuMem(3500, GI), "b", T0);
        CloudGroup cloud = cloudFor(List.of(a, b), 0, 10);
        SnapshotIndex first = index(List.of(a, b), List.of(big, keep), null);
        Planner.plan(spec(G), first, cloud, T0); // derives and keeps a's and b's loads

        // The big pod left node a, a small one came, and a 3-cpu pod waits: it fits on a only if a's room is this
        // scan's.
        PodInfo small = running("small", G, cpuMem(500, GI), "a", T0);
        List<PodInfo> now = List.of(small, keep, pending("w", G, cpuMem(3000, GI)));
        GroupPlan reused = Planner.plan(spec(G), index(List.of(a, b), now, first), cloud, T0);
        GroupPlan fresh = Planner.plan(spec(G), index(List.of(a, b), now, null), cloud, T0);

        assertThat(reused.actionsOf(PlanAction.ScaleUp.class)).isEmpty();
        assertThat(reused.actions()).isEqualTo(fresh.actions());
        assertThat(reused.podsOnIncoming()).isEqualTo(1);
    }

    private static SnapshotIndex byNode(
            List<NodeInfo> nodes, List<List<PodInfo>> podsOfNodes, List<PodInfo> others, SnapshotIndex previous) {
        return new SnapshotIndex(new ClusterSnapshot(T0, nodes, others, List.of(), podsOfNodes), Map.of(), previous);
    }

    @Test
    void podsHandedNodeByNodeKeepTheLoadWhileTheListObjectIsTheSame() {
        NodeInfo a = node("a", G);
        List<PodInfo> onA = List.of(running("p1", G, cpuMem(1000, GI), "a", T0));
        PodInfo waiting = pending("w", G, cpuMem(500, GI));
        SnapshotIndex first = byNode(List.of(a), List.of(onA), List.of(waiting), null);

        SnapshotIndex same = byNode(List.of(a), List.of(onA), List.of(waiting), first);
        // A new list means the node's pods changed: here the pod's requests did, under the same name.
        SnapshotIndex changed = byNode(
                List.of(a), List.of(List.of(running("p1", G, cpuMem(3000, GI), "a", T0))), List.of(waiting), first);

        assertThat(same.load("a")).isSameAs(first.load("a"));
        assertThat(changed.load("a").requested()).isEqualTo(cpuMem(3000, GI));
        assertThat(same.jobPods(G)).containsExactly(onA.get(0), waiting);
        assertThat(same.pending(G)).containsExactly(waiting);
    }

    @Test
    void aNodeHandedTheSameNodePodsKeepsItsLoadWithoutALookAtItsPods() {
        NodeInfo a = node("a", G);
        NodePods onA = new NodePods(List.of(running("p1", G, cpuMem(1000, GI), "a", T0)));
        SnapshotIndex first = byNode(List.of(a), List.of(onA), List.of(), null);

        SnapshotIndex same = byNode(List.of(a), List.of(onA), List.of(), null); // no previous index needed
        SnapshotIndex changed = byNode(
                List.of(a),
                List.of(new NodePods(List.of(running("p1", G, cpuMem(2000, GI), "a", T0)))),
                List.of(),
                first);

        assertThat(same.load("a")).isSameAs(first.load("a"));
        assertThat(same.jobPods(G)).containsExactlyElementsOf(onA);
        assertThat(changed.load("a").requested()).isEqualTo(cpuMem(2000, GI));
    }

    /** Guards the two ways of handing pods apart: node by node plans exactly as one flat list. */
    @Test
    void podsHandedNodeByNodePlanAsOneFlatList() {
        NodeInfo a = node("a", G);
        NodeInfo b = node("b", G);
        NodeInfo c = node("c", G);
        List<PodInfo> onA = List.of(running("a1", G, cpuMem(3000, GI), "a", T0));
        List<PodInfo> onB = List.of(
                running("b1", G, cpuMem(500, GI), "b", T0.minusSeconds(60)),
                running("b2", G, cpuMem(500, GI), "b", T0));
        List<PodInfo> waiting = List.of(
                pending("w1", G, cpuMem(2500, GI)),
                pending("w2", G, cpuMem(4000, GI)),
                pending("w3", G, cpuMem(3500, GI)));
        List<PodInfo> flat = new java.util.ArrayList<>(onA);
        flat.addAll(onB);
        flat.addAll(waiting);
        CloudGroup cloud = cloudFor(List.of(a, b, c), 0, 10);

        GroupPlan byNodes =
                Planner.plan(spec(G), byNode(List.of(a, b, c), List.of(onA, onB, List.of()), waiting, null), cloud, T0);
        GroupPlan oneList = Planner.plan(spec(G), index(List.of(a, b, c), flat, null), cloud, T0);

        assertThat(byNodes).isEqualTo(oneList);
        assertThat(byNodes.actionsOf(PlanAction.ScaleUp.class)).hasSize(1);
    }

    @Test
    void refusesAPodInTheFlatListBoundToANodeHandedNodeByNode() {
        NodeInfo a = node("a", G);
        NodePods onA = new NodePods(List.of(running("p1", G, cpuMem(1000, GI), "a", T0)));
        PodInfo alsoOnA = running("p2", G, cpuMem(1000, GI), "a", T0);

        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> byNode(List.of(a), List.of(onA), List.of(alsoOnA), null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("default/p2");
    }

    @Test
    void refusesPodsHandedForAnotherNumberOfNodes() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> new ClusterSnapshot(T0, List.of(node("a", G)), List.of(), List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pods of 0 node(s) handed for 1 node(s)");
    }

    /** Guards the fit tree's kept load vectors: a vector is reused only for the very same layout of names. */
    @Test
    void aKeptLoadsVectorFollowsThePassesLayout() {
        NodeLoad load = new NodeLoad(null);
        load.add(running("p1", G, cpuMem(1000, GI), "a", T0));
        load = load.finish();
        SnapshotIndex index = index(List.of(node("a", G)), List.of(), null);
        Dimensions cpuFirst = new Dimensions();
        cpuFirst.add(cpuMem(1, 1));
        cpuFirst.add(Dimensions.PODS);
        Dimensions podsFirst = new Dimensions();
        podsFirst.add(Dimensions.PODS);
        podsFirst.add("nvidia.com/gpu");
        podsFirst.add(cpuMem(1, 1));
        String[] first = index.canonical(cpuFirst.layout());
        String[] second = index.canonical(podsFirst.layout());

        assertThat(load.vector(cpuFirst, first)).containsExactly(1000, GI, 1000);
        assertThat(load.vector(podsFirst, second)).containsExactly(1000, 0, 1000, GI);
        assertThat(index.canonical(cpuFirst.layout())).isSameAs(first); // an equal layout: the same object
        assertThat(load.vector(cpuFirst, index.canonical(cpuFirst.layout()))).containsExactly(1000, GI, 1000);
    }

    /**
     * Guards the maps kept across scans: the node of an instance, the nodeless instances and the instances by id follow
     * each scan's nodes and description, and an older index handed its maps on still answers for its own scan.
     */
    @Test
    void theNodeOfAnInstanceFollowsEachScan() {
        NodeInfo a = node("a", G);
        NodeInfo b = node("b", G);
        CloudGroup cloud = cloudFor(List.of(a, b, node("c", G)), 0, 10);
        SnapshotIndex first = index(List.of(a, b), List.of(), null);
        assertThat(first.nodeOfInstance("i-b")).isSameAs(b);
        assertThat(first.nodeless(cloud.instances())).extracting(i -> i.id()).containsExactly("i-c");
        assertThat(first.instancesById(cloud).get("i-b").state()).isEqualTo(LifecycleState.IN_SERVICE);

        // a went, b's node now says another instance (a new object), c registered.
        NodeInfo b2 = Fixtures.onInstance(b, "i-c", T0);
        NodeInfo d = node("d", G);
        SnapshotIndex second = index(List.of(b2, d), List.of(), first);
        List<CloudInstance> leaving = new java.util.ArrayList<>(cloud.instances());
        leaving.set(1, Fixtures.instance("i-b", LifecycleState.TERMINATING, T0, true));
        CloudGroup later = new CloudGroup("asg", 3, 0, 10, leaving, List.of(), false);

        assertThat(second.nodeOfInstance("i-a")).isNull();
        assertThat(second.nodeOfInstance("i-b")).isNull();
        assertThat(second.nodeOfInstance("i-c")).isSameAs(b2);
        assertThat(second.nodeOfInstance("i-d")).isSameAs(d);
        assertThat(second.nodeless(later.instances())).extracting(i -> i.id()).containsExactly("i-a");
        assertThat(second.instancesById(later).get("i-b").state()).isEqualTo(LifecycleState.TERMINATING);
        assertThat(second.instancesById(later)).hasSize(3);
        // The older index, asked after the newer one took its maps, answers for its own scan.
        assertThat(first.nodeOfInstance("i-a")).isSameAs(a);
        assertThat(first.nodeOfInstance("i-c")).isNull();
        assertThat(first.instancesById(cloud).get("i-b").state()).isEqualTo(LifecycleState.IN_SERVICE);
    }

    /** Instances matched to nodes by position answer as the lookup by id, whatever the order and repeated ids. */
    @Test
    void instancesByPositionAnswerAsByIdInAnyOrder() {
        java.util.Random rnd = new java.util.Random(14);
        for (int round = 0; round < 200; round++) {
            List<NodeInfo> nodes = new java.util.ArrayList<>();
            List<CloudInstance> instances = new java.util.ArrayList<>();
            for (int i = 0; i < 30; i++) {
                NodeInfo n = node("n" + i, G);
                if (rnd.nextInt(4) > 0) {
                    nodes.add(n);
                }
                if (rnd.nextInt(5) > 0) {
                    LifecycleState s = rnd.nextBoolean() ? LifecycleState.IN_SERVICE : LifecycleState.PENDING;
                    instances.add(Fixtures.instance(n.instanceId(), s, T0, true));
                }
            }
            if (round % 3 == 0) {
                java.util.Collections.shuffle(nodes, rnd);
            }
            if (round % 5 == 0 && !instances.isEmpty()) { // an id listed twice: the last one is the answer
                instances.add(Fixtures.instance(instances.get(0).id(), LifecycleState.TERMINATING, T0, true));
            }
            CloudGroup cloud = new CloudGroup("asg", instances.size(), 0, 100, instances, List.of(), false);
            SnapshotIndex index = index(nodes, List.of(), null);

            CloudInstance[] byPosition = index.instancesOf(nodes, cloud);
            for (int k = 0; k < nodes.size(); k++) {
                assertThat(byPosition[k])
                        .isSameAs(index.instancesById(cloud).get(nodes.get(k).instanceId()));
            }
            List<CloudInstance> nodeless = new java.util.ArrayList<>();
            for (CloudInstance i : instances) {
                if (i.state().isCapacity()
                        && nodes.stream().noneMatch(n -> n.instanceId().equals(i.id()))) {
                    nodeless.add(i);
                }
            }
            assertThat(index.nodeless(cloud.instances())).containsExactlyElementsOf(nodeless);
        }
    }
}
