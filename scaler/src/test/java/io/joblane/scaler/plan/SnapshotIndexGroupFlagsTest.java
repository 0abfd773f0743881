package io.joblane.scaler.plan;

import static io.joblane.scaler.plan.Fixtures.T0;
import static io.joblane.scaler.plan.Fixtures.node;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What the index counts per group as it is built says what asking every node or load of the group would, scan after
 * scan, as nodes' pods are handed again (the same {@link NodePods}, its load kept), replaced, or handed flat, and as
 * nodes come, go, change group or get a Spot notice: {@link SnapshotIndex#antiAffinityOnNodes} (a pod bound to one of
 * its nodes has required anti-affinity) and {@link SnapshotIndex#spotOnNodes} (a node is Spot or noticed).
 */
class SnapshotIndexGroupFlagsTest {
    private static final List<String> GROUPS = List.of("a", "b");
    private static final PodConstraints REPELS = PodConstraints.of(
            null,
            null,
            List.of(new PodConstraints.TopologyTerm("kubernetes.io/hostname", PodSelector.labels(Map.of("app", "x")))),
            null);

    private int pods;

    private PodInfo pod(String node, boolean antiAffinity) {
        return TopologyTest.pod("p" + pods++, node, antiAffinity ? REPELS : PodConstraints.NONE);
    }

    private List<PodInfo> podsFor(NodeInfo n, Random rnd) {
        List<PodInfo> out = new ArrayList<>();
        for (int k = rnd.nextInt(4); k > 0; k--) {
            out.add(pod(n.name(), rnd.nextInt(60) == 0)); // rare, as in a batch cluster
        }
        return new NodePods(out);
    }

    private static NodeInfo anyNode(String name, String group, Random rnd) {
        NodeInfo n = node(name, group);
        return rnd.nextInt(80) == 0 ? Fixtures.onSpot(n) : n;
    }

    private static boolean spotAsked(SnapshotIndex index, String group) {
        return index.nodes(group).stream().anyMatch(n -> n.noticed() || n.capacityType() == CapacityType.SPOT);
    }

    private static boolean asked(SnapshotIndex index, String group) {
        NodeLoad[] loads = index.loads(group);
        for (int i = 0; i < index.nodes(group).size(); i++) {
            if (!loads[i].antiAffinityPods().isEmpty()) {
                return true;
            }
        }
        return false;
    }

    @Test
    void aGroupsCountsSayWhatAskingEveryNodeOrLoadWould() {
        Random rnd = new Random(5);
        int seen = 0;
        int notSeen = 0;
        int spot = 0;
        int noSpot = 0;
        for (int run = 0; run < 20; run++) {
            int next = 0;
            List<NodeInfo> nodes = new ArrayList<>();
            List<List<PodInfo>> ofNodes = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                nodes.add(anyNode("n" + next++, GROUPS.get(rnd.nextInt(2)), rnd));
                ofNodes.add(podsFor(nodes.get(i), rnd));
            }
            SnapshotIndex last = null;
            for (int scan = 0; scan < 60; scan++) {
                for (int c = rnd.nextInt(5); c > 0; c--) {
                    int at = rnd.nextInt(nodes.size());
                    switch (rnd.nextInt(7)) {
                        case 0 -> ofNodes.set(at, podsFor(nodes.get(at), rnd)); // its pods changed
                        case 1 -> ofNodes.set(at, new NodePods(List.of())); // emptied
                        case 2 -> { // gone, and a new node at the end
                            nodes.remove(at);
                            ofNodes.remove(at);
                            nodes.add(anyNode("n" + next++, GROUPS.get(rnd.nextInt(2)), rnd));
                            ofNodes.add(podsFor(nodes.get(nodes.size() - 1), rnd));
                        }
                        case 3 -> nodes.set(at, node(nodes.get(at).name(), GROUPS.get(rnd.nextInt(2)))); // regrouped
                        case 4 -> nodes.set(at, nodes.get(at).withSpotNotice(SpotNotice.REBALANCE)); // noticed
                        case 5 -> { // the first noticed node from here on loses its notice: a new object
                            for (int k = 0; k < nodes.size(); k++) {
                                NodeInfo n = nodes.get((at + k) % nodes.size());
                                if (n.noticed()) {
                                    nodes.set((at + k) % nodes.size(), n.withSpotNotice(SpotNotice.NONE));
                                    break;
                                }
                            }
                        }
                        default -> ofNodes.set(at, new ArrayList<>(ofNodes.get(at))); // same pods, not a NodePods
                    }
                }
                boolean flat = rnd.nextInt(8) == 0;
                ClusterSnapshot snapshot = flat
                        ? new ClusterSnapshot(
                                T0,
                                List.copyOf(nodes),
                                ofNodes.stream().flatMap(List::stream).toList(),
                                List.of())
                        : new ClusterSnapshot(T0, List.copyOf(nodes), List.of(), List.of(), List.copyOf(ofNodes));
                SnapshotIndex index = new SnapshotIndex(snapshot, Map.of(), last);
                for (String g : GROUPS) {
                    boolean expected = asked(index, g);
                    assertThat(index.antiAffinityOnNodes(g))
                            .as("run %d scan %d group %s", run, scan, g)
                            .isEqualTo(expected);
                    if (expected) {
                        seen++;
                    } else {
                        notSeen++;
                    }
                    boolean spotExpected = spotAsked(index, g);
                    assertThat(index.spotOnNodes(g))
                            .as("spot: run %d scan %d group %s", run, scan, g)
                            .isEqualTo(spotExpected);
                    if (spotExpected) {
                        spot++;
                    } else {
                        noSpot++;
                    }
                }
                last = index;
            }
        }
        assertThat(seen).as("groups with such a pod").isGreaterThan(200);
        assertThat(notSeen).as("groups without").isGreaterThan(200);
        assertThat(spot).as("groups with a Spot or noticed node").isGreaterThan(200);
        assertThat(noSpot).as("groups without").isGreaterThan(200);
    }
}
