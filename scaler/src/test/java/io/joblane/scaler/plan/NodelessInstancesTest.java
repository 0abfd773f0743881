package io.joblane.scaler.plan;

import static io.joblane.scaler.plan.Fixtures.T0;
import static io.joblane.scaler.plan.Fixtures.node;
import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.scaler.cloud.CloudGroup;
import io.joblane.scaler.cloud.CloudInstance;
import io.joblane.scaler.cloud.InstanceList;
import io.joblane.scaler.cloud.LifecycleState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Guards the nodeless instances followed from scan to scan: whatever instances went, came or changed state, and
 * whatever nodes registered, left or changed, the answer is what a walk over every instance finds, in the
 * description's order.
 */
class NodelessInstancesTest {
    private static final String G = "batch";
    private static final LifecycleState[] STATES = {
        LifecycleState.PENDING, LifecycleState.IN_SERVICE, LifecycleState.TERMINATING, LifecycleState.TERMINATED
    };

    @Test
    void followedAnswersAreWhatAWalkFinds() {
        for (long seed = 1; seed <= 40; seed++) {
            Random rnd = new Random(seed);
            World w = new World(rnd);
            SnapshotIndex previous = null;
            for (int scan = 0; scan < 60; scan++) {
                w.step(scan);
                SnapshotIndex index =
                        new SnapshotIndex(new ClusterSnapshot(T0, w.nodes, List.of(), List.of()), Map.of(), previous);
                for (int ask = 0; ask < 2; ask++) { // asked again of the same list: the same answer
                    assertThat(index.nodeless(cloud(w.list)))
                            .as("seed %d, scan %d", seed, scan)
                            .containsExactlyElementsOf(w.expected());
                }
                previous = index;
            }
        }
    }

    @Test
    void aDescriptionWithoutEditsIsWalked() {
        NodeInfo a = node("a", G);
        List<CloudInstance> first = InstanceList.of(new CloudInstance[] {instance("i-a"), instance("i-b")});
        SnapshotIndex one =
                new SnapshotIndex(new ClusterSnapshot(T0, List.of(a), List.of(), List.of()), Map.of(), null);
        assertThat(one.nodeless(first)).extracting(CloudInstance::id).containsExactly("i-b");

        // A plain list says nothing of how it came: b's node registered, c is new.
        List<CloudInstance> second = List.of(first.get(0), first.get(1), instance("i-c"));
        NodeInfo b = node("b", G);
        SnapshotIndex two =
                new SnapshotIndex(new ClusterSnapshot(T0, List.of(a, b), List.of(), List.of()), Map.of(), one);
        assertThat(two.nodeless(second)).extracting(CloudInstance::id).containsExactly("i-c");
    }

    /** Guards against following an answer across a description that listed the lost node's id twice. */
    @Test
    void anIdListedTwiceInTheLastDescriptionIsWalkedWhenItsNodeLeaves() {
        CloudInstance x1 = instance("i-a");
        CloudInstance x2 = Fixtures.instance("i-a", LifecycleState.PENDING, T0, true);
        InstanceList both = InstanceList.of(new CloudInstance[] {x1, x2});
        NodeInfo a = node("a", G);
        SnapshotIndex first =
                new SnapshotIndex(new ClusterSnapshot(T0, List.of(a), List.of(), List.of()), Map.of(), null);
        assertThat(first.nodeless(cloud(both))).isEmpty();

        // The second object went and the node left: the first stays, nodeless now.
        InstanceList one = InstanceList.edited(new CloudInstance[] {x1}, both, List.of(), List.of(x2));
        SnapshotIndex second =
                new SnapshotIndex(new ClusterSnapshot(T0, List.of(), List.of(), List.of()), Map.of(), first);
        assertThat(second.nodeless(cloud(one))).containsExactly(x1);
    }

    private static CloudGroup cloud(List<CloudInstance> instances) {
        return new CloudGroup("asg", instances.size(), 0, 1000, instances, List.of(), false);
    }

    private static CloudInstance instance(String id) {
        return Fixtures.instance(id, LifecycleState.IN_SERVICE, T0, true);
    }

    /** Instances in launch order, handed as edited lists; nodes registering, leaving and changing. */
    private static final class World {
        final Random rnd;
        InstanceList list = InstanceList.of(new CloudInstance[0]);
        List<NodeInfo> nodes = List.of();
        final Map<String, NodeInfo> nodeOf = new HashMap<>();
        int launched;

        World(Random rnd) {
            this.rnd = rnd;
        }

        void step(int scan) {
            List<CloudInstance> went = new ArrayList<>();
            List<CloudInstance> came = new ArrayList<>();
            List<CloudInstance> now = new ArrayList<>();
            boolean edit = scan == 0 || rnd.nextInt(4) > 0; // else the very same list again
            for (CloudInstance i : list) {
                int r = edit ? rnd.nextInt(10) : 9;
                if (r == 0) {
                    went.add(i); // gone from the description
                } else if (r == 1) {
                    CloudInstance changed =
                            Fixtures.instance(i.id(), STATES[rnd.nextInt(STATES.length)], T0, rnd.nextBoolean());
                    went.add(i);
                    came.add(changed);
                    now.add(changed);
                } else {
                    now.add(i);
                }
            }
            int launches = edit ? rnd.nextInt(4) : 0;
            for (int k = 0; k < launches; k++) {
                // Now and then an id listed already (a provider that lists one twice for a while).
                String id = rnd.nextInt(12) == 0 && !now.isEmpty()
                        ? now.get(rnd.nextInt(now.size())).id()
                        : "i-" + launched++;
                CloudInstance c = Fixtures.instance(
                        id, rnd.nextBoolean() ? LifecycleState.PENDING : LifecycleState.IN_SERVICE, T0, true);
                came.add(c);
                now.add(c);
            }
            if (edit) {
                list = InstanceList.edited(now.toArray(CloudInstance[]::new), list, came, went);
            }
            // Nodes: some register, some leave (their instance may stay), some change; now and then one without an id.
            for (CloudInstance i : list) {
                int r = rnd.nextInt(8);
                if (r == 0) {
                    nodeOf.remove(i.id());
                } else if (r <= 2 && !nodeOf.containsKey(i.id())) {
                    nodeOf.put(i.id(), node(i.id().substring(2), G));
                } else if (r == 3 && nodeOf.containsKey(i.id())) {
                    nodeOf.put(i.id(), node(i.id().substring(2), G)); // a new object of the same node
                }
            }
            nodeOf.keySet().removeIf(id -> rnd.nextInt(20) == 0); // a node of an instance long gone leaves too
            List<NodeInfo> ordered = new ArrayList<>(nodeOf.values());
            if (rnd.nextInt(3) == 0) { // a node that shows no instance id (not registered with the cloud yet)
                ordered.add(Fixtures.onInstance(node("noid-" + scan, G), null, T0));
            }
            ordered.sort(java.util.Comparator.comparing(NodeInfo::name));
            if (rnd.nextInt(5) == 0) {
                java.util.Collections.shuffle(ordered, rnd);
            }
            nodes = ordered;
        }

        List<CloudInstance> expected() {
            List<CloudInstance> out = new ArrayList<>();
            for (CloudInstance i : list) {
                if (i.state().isCapacity() && nodes.stream().noneMatch(n -> i.id().equals(n.instanceId()))) {
                    out.add(i);
                }
            }
            return out;
        }
    }
}
