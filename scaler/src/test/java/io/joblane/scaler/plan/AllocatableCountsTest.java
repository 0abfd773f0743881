package io.joblane.scaler.plan;

import static io.joblane.model.Quantity.GI;
import static io.joblane.scaler.plan.Fixtures.T0;
import static io.joblane.scaler.plan.Fixtures.node;
import static io.joblane.scaler.plan.Fixtures.res;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A group's nodes counted by allocatable and kept from scan to scan (brought to each scan's list through the index's
 * pairing) answer what counting every node afresh does: the most common allocatable a new node takes, and the distinct
 * allocatables whose names the pass's vectors need.
 */
class AllocatableCountsTest {
    private static final Resources GPU_TEMPLATE = res("cpu", 8000, "memory", 32 * GI, "nvidia.com/gpu", 1000);

    /** A few shapes, some equal in value but distinct objects, one without a GPU, one zero. */
    private static Resources shape(Random rnd) {
        return switch (rnd.nextInt(6)) {
            case 0 -> res("cpu", 8000, "memory", 32 * GI, "nvidia.com/gpu", 1000);
            case 1 -> res("cpu", 4000, "memory", 16 * GI, "nvidia.com/gpu", 1000);
            case 2 -> res("cpu", 8000, "memory", 32 * GI);
            case 3 -> res("cpu", 16000, "memory", 32 * GI, "nvidia.com/gpu", 2000);
            case 4 -> Resources.ZERO;
            default -> res("cpu", 4000, "memory", 8 * GI, "nvidia.com/gpu", 1000);
        };
    }

    private static NodeInfo anyNode(String name, Random rnd) {
        NodeInfo n = node(name, "g", shape(rnd));
        return rnd.nextInt(4) == 0 ? Fixtures.notReady(n, T0) : n;
    }

    @Test
    void keptCountsAnswerAsCountingEveryNode() {
        Random rnd = new Random(11);
        int answered = 0;
        int tied = 0;
        int patched = 0;
        for (int run = 0; run < 30; run++) {
            List<NodeInfo> nodes = new ArrayList<>();
            int next = 0;
            for (int i = 0; i < 1 + rnd.nextInt(12); i++) {
                nodes.add(anyNode("n" + next++, rnd));
            }
            // Half the runs hand the snapshot's edits (the index then pairs nodes from them), half do not.
            boolean edited = run % 2 == 0;
            NodeEdits.Log log = new NodeEdits.Log();
            List<List<PodInfo>> ofNodes = new ArrayList<>();
            nodes.forEach(n -> ofNodes.add(new NodePods(List.of())));
            SnapshotIndex last = null;
            for (int scan = 0; scan < 40; scan++) {
                for (int c = rnd.nextInt(4); c > 0; c--) {
                    int at = rnd.nextInt(nodes.size() + 1);
                    switch (rnd.nextInt(3)) {
                        case 0 -> {
                            nodes.add(at, anyNode("n" + next++, rnd));
                            ofNodes.add(at, new NodePods(List.of()));
                            log.inserted(at);
                        }
                        case 1 -> {
                            if (at < nodes.size() && nodes.size() > 1) {
                                nodes.remove(at);
                                ofNodes.remove(at);
                                log.deleted(at);
                            }
                        }
                        default -> {
                            if (at < nodes.size()) { // the same node, now (not) Ready or of another shape
                                nodes.set(at, anyNode(nodes.get(at).name(), rnd));
                                log.changed(at);
                            }
                        }
                    }
                }
                List<NodeInfo> handed = new ArrayList<>(nodes);
                NodeEdits edits = log.handOver(handed);
                SnapshotIndex index = new SnapshotIndex(
                        new ClusterSnapshot(
                                T0, handed, List.of(), List.of(), List.copyOf(ofNodes), edited ? edits : null),
                        Map.of(),
                        last);
                patched += index.patched() ? 1 : 0;
                List<NodeInfo> group = index.nodes("g");
                for (Resources template : List.of(GPU_TEMPLATE, res("cpu", 8000, "memory", 32 * GI))) {
                    GroupSpec spec = Fixtures.spec("g", 0, 10, template);
                    Resources kept = index.allocatableCounts("g", group).mostCommon(template);
                    Resources counted = NewNodeShape.mostCommonAllocatable(spec, group);
                    if (kept == null) {
                        tied++;
                    } else {
                        assertThat(kept).as("run %d scan %d", run, scan).isEqualTo(counted);
                        answered++;
                    }
                }
                assertThat(new HashSet<>(index.allocatableCounts("g", group).distinct()))
                        .isEqualTo(new HashSet<>(
                                group.stream().map(NodeInfo::allocatable).toList()));
                last = index;
            }
        }
        assertThat(answered).as("answered from the counts").isGreaterThan(1_500);
        assertThat(tied).as("ties left to the nodes' order").isGreaterThan(10);
        assertThat(patched).as("scans whose index took the edits").isGreaterThan(400);
    }

    /**
     * An update that fails half way (here the list throws at its second read of a new node, after two others were
     * counted) leaves no count behind: the next update answers as counting its nodes afresh.
     */
    @Test
    void anUpdateThatFailsHalfWayLeavesNoCountBehind() {
        Resources small = res("cpu", 4000, "memory", 16 * GI);
        Resources large = res("cpu", 16000, "memory", 64 * GI);
        NodeInfo a = node("a", "g", small);
        NodeInfo b = node("b", "g", small);
        List<NodeInfo> first = List.of(a, b);
        List<NodeInfo> broken = List.of(a, node("x", "g", large), node("y", "g", large), node("z", "g", small), b);
        List<NodeInfo> after = List.of(a, b, node("w", "g", small));
        SnapshotIndex index = new SnapshotIndex(new ClusterSnapshot(T0, List.of(), List.of(), List.of()));

        AllocatableCounts kept = new AllocatableCounts();
        kept.update(index, first);
        int[] reads = new int[broken.size()];
        List<NodeInfo> failing = new java.util.AbstractList<>() {
            @Override
            public NodeInfo get(int i) {
                if (i == 3 && ++reads[i] == 2) {
                    throw new IllegalStateException("read failed");
                }
                return broken.get(i);
            }

            @Override
            public int size() {
                return broken.size();
            }
        };
        assertThatThrownBy(() -> kept.update(index, failing)).isInstanceOf(IllegalStateException.class);
        kept.update(index, after);

        AllocatableCounts fresh = new AllocatableCounts();
        fresh.update(index, after);
        assertThat(new HashSet<>(kept.distinct()))
                .isEqualTo(new HashSet<>(fresh.distinct()))
                .containsExactly(small);
        assertThat(kept.mostCommon(small)).isEqualTo(fresh.mostCommon(small));
    }
}
