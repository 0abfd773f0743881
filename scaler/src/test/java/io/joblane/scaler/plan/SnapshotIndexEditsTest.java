package io.joblane.scaler.plan;

import static io.joblane.scaler.plan.Fixtures.T0;
import static io.joblane.scaler.plan.Fixtures.cpuMem;
import static io.joblane.scaler.plan.Fixtures.node;
import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.model.WellKnown;
import io.joblane.model.config.Taint;
import io.joblane.scaler.cloud.CloudGroup;
import io.joblane.scaler.cloud.CloudInstance;
import io.joblane.scaler.cloud.InstanceList;
import io.joblane.scaler.cloud.LifecycleState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * An index built with the snapshot's {@link NodeEdits} (facts copied from the last index for the nodes no edit touched)
 * answers as one built by matching the nodes itself, scan after scan, as an adapter inserts, deletes and changes
 * nodes and their pods the way the simulator's ready-node list does; and the edits' places say exactly which nodes
 * were not touched.
 */
class SnapshotIndexEditsTest {
    private static final PodConstraints REPELS = PodConstraints.of(
            null,
            null,
            List.of(new PodConstraints.TopologyTerm("kubernetes.io/hostname", PodSelector.labels(Map.of("app", "x")))),
            null);

    private static final GroupSpec SPEC = Fixtures.spec("a", 0, 1000, cpuMem(4000, 16 * Fixtures.GI));

    private int pods;

    /** A node's new group: b in runs with two groups, now and then none in some runs, else a. */
    private static String regroup(int run, Random rnd) {
        if (run % 5 == 4) {
            return rnd.nextBoolean() ? "b" : "a";
        }
        return run % 5 == 3 && rnd.nextInt(3) == 0 ? null : "a";
    }

    /** The adapter's side: a node list edited in place, its edits logged, handed as a copy at each snapshot. */
    private static final class EditedNodes {
        final List<NodeInfo> nodes = new ArrayList<>();
        final List<List<PodInfo>> ofNodes = new ArrayList<>();
        final NodeEdits.Log log = new NodeEdits.Log();
        /** Places touched since the last hand-over, in the current list (for the exactness check). */
        final List<Boolean> touched = new ArrayList<>();

        void insert(int at, NodeInfo n, List<PodInfo> p) {
            nodes.add(at, n);
            ofNodes.add(at, p);
            touched.add(at, true);
            log.inserted(at);
        }

        void delete(int at) {
            nodes.remove(at);
            ofNodes.remove(at);
            touched.remove(at);
            log.deleted(at);
        }

        void change(int at, NodeInfo n, List<PodInfo> p) {
            nodes.set(at, n);
            ofNodes.set(at, p);
            touched.set(at, true);
            log.changed(at);
        }
    }

    private PodInfo pod(String node, Random rnd) {
        Instant created = T0.plusSeconds(rnd.nextInt(600));
        PodInfo p = new PodInfo(
                "uid-p" + pods,
                "default",
                "p" + pods++,
                rnd.nextInt(10) == 0 ? "other" : "a",
                cpuMem(100 + rnd.nextInt(900), 0),
                PodPhase.RUNNING,
                rnd.nextInt(5) != 0,
                false,
                false,
                node,
                created,
                created,
                null,
                Map.of("app", "x"),
                PodConstraints.NONE);
        return rnd.nextInt(40) == 0 ? Fixtures.withConstraints(p, REPELS) : p;
    }

    private List<PodInfo> podsFor(String node, Random rnd) {
        List<PodInfo> out = new ArrayList<>();
        for (int k = rnd.nextInt(4); k > 0; k--) {
            out.add(pod(node, rnd));
        }
        return rnd.nextInt(8) == 0 ? out : new NodePods(out); // now and then a plain list: not kept on its load
    }

    private static NodeInfo anyNode(String name, String group, Random rnd) {
        NodeInfo n = node(name, group);
        return rnd.nextInt(60) == 0 ? Fixtures.onSpot(n) : n;
    }

    private static NodeInfo noticedOrTainted(NodeInfo n, Random rnd) {
        return rnd.nextBoolean()
                ? n.withSpotNotice(SpotNotice.REBALANCE)
                : n.withTaints(
                        switch (rnd.nextInt(3)) {
                            case 0 -> List.of();
                            case 1 -> List.of(new Taint(WellKnown.DEDICATED_TAINT, "a", "NoSchedule"));
                            default -> List.of(new Taint("maintenance", "true", "NoExecute"));
                        });
    }

    @Test
    void anIndexPatchedFromTheEditsAnswersAsOneThatMatchesTheNodesItself() {
        Random rnd = new Random(13);
        Random describing = new Random(17); // its own: the nodes' and pods' draws stay as they were
        int patched = 0;
        int walked = 0;
        int fromChanges = 0;
        int editedDescriptions = 0;
        for (int run = 0; run < 25; run++) {
            Set<String> leftOut = new HashSet<>();
            EditedNodes list = new EditedNodes();
            int next = 0;
            for (int i = 0; i < 30; i++) {
                String name = "n" + next++;
                list.insert(i, anyNode(name, "a", rnd), podsFor(name, rnd));
            }
            SnapshotIndex withEdits = null;
            CloudGroup lastCloud = null;
            SnapshotIndex matched = null;
            for (int scan = 0; scan < 50; scan++) {
                list.touched.replaceAll(t -> false);
                for (int c = rnd.nextInt(6); c > 0; c--) {
                    int at = rnd.nextInt(list.nodes.size());
                    NodeInfo n = list.nodes.get(at);
                    switch (rnd.nextInt(9)) {
                        case 0, 1 -> list.change(at, n, podsFor(n.name(), rnd)); // its pods changed
                        case 2 -> list.change(at, n, new NodePods(List.of())); // emptied
                        case 3 -> list.delete(at);
                        case 4 -> { // a new node, anywhere (the simulator keeps launch order)
                            String name = "n" + next++;
                            list.insert(at, anyNode(name, "a", rnd), podsFor(name, rnd));
                        }
                        case 5 -> list.change(at, noticedOrTainted(n, rnd), list.ofNodes.get(at));
                        case 6 -> list.change(at, node(n.name(), regroup(run, rnd)), list.ofNodes.get(at));
                        case 7 -> { // a plain list changed in place, not logged: read again all the same
                            if (!(list.ofNodes.get(at) instanceof NodePods)) {
                                list.ofNodes.get(at).add(pod(n.name(), rnd));
                            }
                        }
                        default -> list.change(at, n, list.ofNodes.get(at)); // logged, nothing new
                    }
                }
                if (list.nodes.isEmpty()) {
                    list.insert(0, anyNode("n" + next++, "a", rnd), List.of());
                }
                List<NodeInfo> nodes = new ArrayList<>(list.nodes);
                NodeEdits edits = list.log.handOver(nodes);
                if (edits != null) {
                    int[] was = edits.was(nodes.size());
                    for (int i = 0; i < nodes.size(); i++) {
                        assertThat(was[i] < 0)
                                .as("run %d scan %d place %d touched", run, scan, i)
                                .isEqualTo(list.touched.get(i));
                        if (was[i] >= 0) {
                            assertThat(edits.from().get(was[i])).isSameAs(nodes.get(i));
                        }
                    }
                }
                List<List<PodInfo>> ofNodes = List.copyOf(list.ofNodes);
                List<PodInfo> pending = List.of(Fixtures.pending("w" + scan, "a", cpuMem(500, 0)));
                // Now and then (some runs) the pods come flat: the edits are not used, nor at the next scan.
                boolean flat = run % 5 == 2 && scan % 7 == 3;
                List<PodInfo> all = new ArrayList<>(pending);
                ofNodes.forEach(all::addAll);
                SnapshotIndex a = new SnapshotIndex(
                        new ClusterSnapshot(T0, nodes, flat ? all : pending, List.of(), flat ? null : ofNodes, edits),
                        Map.of(),
                        withEdits);
                SnapshotIndex b = new SnapshotIndex(
                        new ClusterSnapshot(T0, nodes, flat ? all : pending, List.of(), flat ? null : ofNodes),
                        Map.of(),
                        matched);
                assertSameAnswers(a, b, "run " + run + " scan " + scan);
                // The planner's kept structures pair nodes through the index: the same plan either way.
                Instant now = T0.plusSeconds(10L * scan);
                if (describing.nextInt(6) == 0) { // a node's instance leaves the description, or comes back
                    String id = nodes.get(describing.nextInt(nodes.size())).instanceId();
                    if (!leftOut.remove(id)) {
                        leftOut.add(id);
                    }
                }
                CloudGroup cloud = described(nodes, leftOut, lastCloud, describing);
                editedDescriptions += cloud != lastCloud && cloud.instances() instanceof InstanceList ? 1 : 0;
                lastCloud = cloud;
                // Now and then a scan plans nothing (a group skipped): the next pass's kept state is two scans old.
                if (scan % 11 != 5) {
                    ClassificationKeptTest.assertSameClassification(
                            "run " + run + " scan " + scan, SPEC, a, b, cloud, now);
                    assertInstancesById("run " + run + " scan " + scan, a, cloud);
                    assertThat(Planner.plan(SPEC, a, cloud, now))
                            .as("run %d scan %d: plan", run, scan)
                            .isEqualTo(Planner.plan(SPEC, b, cloud, now));
                }
                patched += a.patched() ? 1 : 0;
                walked += a.patched() ? 0 : 1;
                withEdits = a;
                matched = b;
            }
            fromChanges += withEdits.keptClassification("a").patchedFromChanges();
        }
        assertThat(patched).as("scans patched from the edits").isGreaterThan(700);
        assertThat(walked).as("scans walked (the first, several groups)").isGreaterThan(50);
        assertThat(fromChanges)
                .as("passes whose classification looked only at the places the index and the instances named")
                .isGreaterThan(100);
        assertThat(editedDescriptions)
                .as("descriptions that said how they came from the last")
                .isGreaterThan(500);
    }

    /**
     * A node whose instance was found by id (listed far from its neighbours' instances, its place not kept) is looked
     * up again at a description that says what went, though nothing came: its instance that went is not kept.
     */
    @Test
    void aNodeWhoseInstanceWasFoundByIdLosesItWhenItGoes() {
        List<NodeInfo> nodes = List.of(node("n0", "a"), node("n1", "a"), node("n2", "a"));
        List<CloudInstance> listed = new ArrayList<>();
        listed.add(Fixtures.instance("i-n0", LifecycleState.IN_SERVICE, T0, true));
        for (int x = 0; x < ByKey.LOOK_AHEAD + 2; x++) { // instances without nodes, beyond the look ahead
            listed.add(Fixtures.instance("i-x" + x, LifecycleState.PENDING, T0, true));
        }
        CloudInstance far = Fixtures.instance("i-n1", LifecycleState.IN_SERVICE, T0, true);
        listed.add(Fixtures.instance("i-n2", LifecycleState.IN_SERVICE, T0, true));
        listed.add(far);
        InstanceList first = InstanceList.of(listed.toArray(new CloudInstance[0]));
        SnapshotIndex index = new SnapshotIndex(new ClusterSnapshot(T0, nodes, List.of(), List.of()));
        assertThat(index.instancesOf(nodes, new CloudGroup("asg", 13, 0, 10, first, List.of(), false))[1])
                .isSameAs(far);
        listed.remove(far);
        InstanceList next = InstanceList.edited(listed.toArray(new CloudInstance[0]), first, List.of(), List.of(far));
        CloudInstance[] found = index.instancesOf(nodes, new CloudGroup("asg", 12, 0, 10, next, List.of(), false));
        assertThat(found[1]).isNull();
        assertThat(found[0].id()).isEqualTo("i-n0");
        assertThat(found[2].id()).isEqualTo("i-n2");
    }

    /**
     * A description that says it came from the last one by edits that do not match its instances (an adapter's bug)
     * is not followed: every node's instance is looked up, and is the object of its id in the list.
     */
    @Test
    void aDescriptionWhoseEditsDoNotMatchItsListIsNotFollowed() {
        List<NodeInfo> nodes = List.of(node("n0", "a"), node("n1", "a"), node("n2", "a"));
        SnapshotIndex index = new SnapshotIndex(new ClusterSnapshot(T0, nodes, List.of(), List.of()));
        CloudGroup first = Fixtures.cloudFor(nodes, 0, 10);
        index.instancesOf(nodes, first);
        CloudInstance replaced = Fixtures.instance("i-n1", LifecycleState.TERMINATING, T0, true);
        CloudInstance[] items = {
            first.instances().get(0), replaced, first.instances().get(2)
        };
        for (List<CloudInstance> came : List.of(List.<CloudInstance>of(), List.of(replaced))) {
            InstanceList list = InstanceList.edited(items.clone(), first.instances(), came, List.of());
            CloudGroup next = new CloudGroup("asg", 3, 0, 10, list, List.of(), false);
            SnapshotIndex later =
                    new SnapshotIndex(new ClusterSnapshot(T0, nodes, List.of(), List.of()), Map.of(), index);
            later.instancesOf(nodes, first);
            assertThat(later.instancesOf(nodes, next)).containsExactly(items);
        }
    }

    /**
     * The nodes' instances as a cloud adapter describes them: the last description itself while its instances are
     * the same; else a list that says how it came from the last ({@link InstanceList#edited}), the instances of ids
     * still there the same objects, now and then one replaced by a new object of its id (its state changed), and the
     * instances of {@code leftOut} not listed (nodes whose instance is not in the group).
     */
    private static CloudGroup described(List<NodeInfo> nodes, Set<String> leftOut, CloudGroup last, Random rnd) {
        Map<String, CloudInstance> before = new HashMap<>();
        if (last != null) {
            last.instances().forEach(i -> before.put(i.id(), i));
        }
        List<CloudInstance> items = new ArrayList<>();
        List<CloudInstance> came = new ArrayList<>();
        for (NodeInfo n : nodes) {
            if (leftOut.contains(n.instanceId())) {
                continue;
            }
            CloudInstance had = before.get(n.instanceId());
            if (had != null && rnd.nextInt(60) != 0) {
                items.add(had);
                continue;
            }
            LifecycleState state = rnd.nextInt(4) == 0 ? LifecycleState.TERMINATING : LifecycleState.IN_SERVICE;
            CloudInstance now = Fixtures.instance(n.instanceId(), state, n.created(), true);
            items.add(now);
            came.add(now);
        }
        if (last == null) {
            return new CloudGroup("asg", items.size(), 0, 1000, items, List.of(), false);
        }
        Set<CloudInstance> stayed = Collections.newSetFromMap(new IdentityHashMap<>());
        stayed.addAll(items);
        List<CloudInstance> went =
                last.instances().stream().filter(i -> !stayed.contains(i)).toList();
        if (came.isEmpty() && went.isEmpty()) {
            return last;
        }
        InstanceList list = InstanceList.edited(items.toArray(new CloudInstance[0]), last.instances(), came, went);
        return new CloudGroup("asg", items.size(), 0, 1000, list, List.of(), false);
    }

    /** Each node's instance is the object of its id in the description (no id repeats there), or none. */
    private static void assertInstancesById(String where, SnapshotIndex index, CloudGroup cloud) {
        Map<String, CloudInstance> byId = new HashMap<>();
        cloud.instances().forEach(i -> byId.put(i.id(), i));
        List<NodeInfo> nodes = index.nodes(SPEC.name());
        CloudInstance[] found = index.instancesOf(nodes, cloud);
        for (int i = 0; i < nodes.size(); i++) {
            assertThat(found[i])
                    .as("%s: instance of %s", where, nodes.get(i).name())
                    .isSameAs(byId.get(nodes.get(i).instanceId()));
        }
    }

    /** Four nodes of group a, each with its pods as a {@link NodePods}. */
    private EditedNodes fourWithNodePods(Random rnd) {
        EditedNodes list = new EditedNodes();
        for (int i = 0; i < 4; i++) {
            list.insert(i, node("n" + i, "a"), new NodePods(podsFor("n" + i, rnd)));
        }
        return list;
    }

    private static void assertSameAnswers(SnapshotIndex a, SnapshotIndex b, String where) {
        Set<String> groups = new HashSet<>(List.of("a", "b", "other"));
        for (String g : groups) {
            List<NodeInfo> nodes = a.nodes(g);
            assertThat(nodes).as("%s: nodes of %s", where, g).containsExactlyElementsOf(b.nodes(g));
            NodeLoad[] loadsA = a.loads(g);
            NodeLoad[] loadsB = b.loads(g);
            for (int i = 0; i < nodes.size(); i++) {
                assertThat(loadsA[i].pods())
                        .as("%s: load of %s", where, nodes.get(i).name())
                        .containsExactlyElementsOf(loadsB[i].pods());
                assertThat(loadsA[i].requested()).isEqualTo(loadsB[i].requested());
                assertThat(loadsA[i].blocking()).isEqualTo(loadsB[i].blocking());
                assertThat(a.boundTo(nodes.get(i).name()))
                        .containsExactlyElementsOf(b.boundTo(nodes.get(i).name()));
            }
            assertThat(a.antiAffinityOnNodes(g))
                    .as("%s: anti-affinity in %s", where, g)
                    .isEqualTo(b.antiAffinityOnNodes(g));
            assertThat(a.spotOnNodes(g)).as("%s: spot in %s", where, g).isEqualTo(b.spotOnNodes(g));
            assertThat(a.taintsOnNodes(g)).as("%s: taints in %s", where, g).isEqualTo(b.taintsOnNodes(g));
            assertThat(a.jobPods(g)).as("%s: job pods of %s", where, g).containsExactlyElementsOf(b.jobPods(g));
            Instant from = T0.plusSeconds(300);
            assertThat(a.jobPods(g, from))
                    .as("%s: recent job pods of %s", where, g)
                    .containsExactlyElementsOf(b.jobPods(g, from));
            assertThat(a.pending(g)).containsExactlyElementsOf(b.pending(g));
        }
    }

    /**
     * A node not Ready within its registration timeout is classified again at every pass though nothing of it changes
     * (its outcome changes with time alone), while the passes look only at the places the edits name: here only
     * another node's pods change, minute after minute, past the timeout.
     */
    @Test
    void aYoungNodeIsClassifiedAgainWhileOnlyAnotherNodeChanges() {
        Random rnd = new Random(7);
        EditedNodes list = fourWithNodePods(rnd);
        list.insert(4, Fixtures.notReady(node("y", "a"), T0), new NodePods(List.of()));
        SnapshotIndex withEdits = null;
        CloudGroup cloud = null;
        for (int minute = 0; minute <= 20; minute++) {
            if (minute > 0) {
                list.change(0, list.nodes.get(0), new NodePods(podsFor("n0", rnd)));
            }
            List<NodeInfo> nodes = new ArrayList<>(list.nodes);
            NodeEdits edits = list.log.handOver(nodes);
            List<List<PodInfo>> ofNodes = List.copyOf(list.ofNodes);
            cloud = cloud != null ? cloud : Fixtures.cloudFor(nodes, 0, 1000); // the same description throughout
            withEdits = new SnapshotIndex(
                    new ClusterSnapshot(T0, nodes, List.of(), List.of(), ofNodes, edits), Map.of(), withEdits);
            SnapshotIndex fresh =
                    new SnapshotIndex(new ClusterSnapshot(T0, nodes, List.of(), List.of(), ofNodes), Map.of(), null);
            ClassificationKeptTest.assertSameClassification(
                    "minute " + minute, SPEC, withEdits, fresh, cloud, T0.plusSeconds(60L * minute));
        }
        assertThat(withEdits.keptClassification("a").patchedFromChanges()).isGreaterThan(15);
    }

    /**
     * Every node's pods a {@link NodePods}, then one node's a plain list (an edit), then a pod added to that list in
     * place (no edit: a plain list is not kept on its load, so the index looks at it again at every scan).
     */
    @Test
    void aPlainListAfterNodePodsIsLookedAtAgainAtEveryScan() {
        Random rnd = new Random(5);
        EditedNodes list = fourWithNodePods(rnd);
        List<NodeInfo> first = new ArrayList<>(list.nodes);
        list.log.handOver(first);
        SnapshotIndex index = new SnapshotIndex(
                new ClusterSnapshot(T0, first, List.of(), List.of(), List.copyOf(list.ofNodes)), Map.of(), null);
        List<PodInfo> plain = new ArrayList<>(List.of(pod("n2", rnd)));
        list.change(2, list.nodes.get(2), plain);
        for (int scan = 0; scan < 2; scan++) {
            List<NodeInfo> nodes = new ArrayList<>(list.nodes);
            NodeEdits edits = list.log.handOver(nodes);
            index = new SnapshotIndex(
                    new ClusterSnapshot(T0, nodes, List.of(), List.of(), List.copyOf(list.ofNodes), edits),
                    Map.of(),
                    index);
            assertThat(index.patched()).isTrue();
            assertThat(index.boundTo("n2")).as("scan %d", scan).containsExactlyElementsOf(plain);
            plain.add(pod("n2", rnd)); // in place: no edit
        }
    }

    @Test
    void editsFromAnotherListThanTheLastIndexsAreNotUsed() {
        Random rnd = new Random(3);
        EditedNodes list = new EditedNodes();
        for (int i = 0; i < 5; i++) {
            list.insert(i, node("n" + i, "a"), podsFor("n" + i, rnd));
        }
        List<NodeInfo> first = new ArrayList<>(list.nodes);
        list.log.handOver(first);
        SnapshotIndex last = new SnapshotIndex(
                new ClusterSnapshot(T0, new ArrayList<>(list.nodes), List.of(), List.of(), List.copyOf(list.ofNodes)),
                Map.of(),
                null);
        list.change(2, list.nodes.get(2), podsFor("n2", rnd));
        List<NodeInfo> nodes = new ArrayList<>(list.nodes);
        NodeEdits edits = list.log.handOver(nodes); // from `first`, not the list the last index holds
        SnapshotIndex index = new SnapshotIndex(
                new ClusterSnapshot(T0, nodes, List.of(), List.of(), List.copyOf(list.ofNodes), edits), Map.of(), last);
        assertThat(index.patched()).isFalse();
        assertThat(index.boundTo("n2")).containsExactlyElementsOf(list.ofNodes.get(2));
    }

    @Test
    void editsThatDoNotLeadToTheListsLengthAreRefused() {
        NodeEdits.Log log = new NodeEdits.Log();
        List<NodeInfo> from = new ArrayList<>(List.of(node("n0", "a"), node("n1", "a")));
        log.handOver(from);
        log.inserted(1);
        NodeEdits edits = log.handOver(List.of());
        assertThat(edits.was(3)).containsExactly(0, -1, 1);
        assertThat(edits.was(2)).as("one node more than the list handed").isNull();
        log.deleted(5);
        assertThat(log.handOver(List.of()).was(2)).as("a place past the end").isNull();
    }
}
