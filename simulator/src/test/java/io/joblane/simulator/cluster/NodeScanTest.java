package io.joblane.simulator.cluster;

import static io.joblane.model.Quantity.GI;
import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.model.lanes.LaneTerm;
import io.joblane.model.lanes.RunTimePredictor;
import io.joblane.simulator.SimulatorInvariantsTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link NodeScan#pick}'s way back to the scan of every node. Scores compare as points + 100 × fit when the points
 * differ and by fit alone when they are equal, so rounding can make two fits that differ by one ulp both equal to a
 * third node's score with 40 more points: no class is then strictly best, and the scan's ties depend on the order it
 * meets the nodes. The loads below were found by a search over loads for such a triple (MostAllocated, an 8 CPU /
 * 32 GiB node, a pod of 300m and 0.5 GiB).
 */
class NodeScanTest {
    private static final NodeShape SHAPE = SimulatorInvariantsTest.shape(8, 32);
    private static final SimCluster.Scoring SCORING = SimCluster.Scoring.MOST_ALLOCATED;
    private static final long POD_CPU = 300;
    private static final long POD_MEMORY = GI / 2;
    /** Used cpu and memory of node kinds a and b (no lane match) whose fits differ by one ulp; c is empty. */
    private static final long[] LOAD_A = {0, 256 * GI / 10};

    private static final long[] LOAD_B = {300, 244 * GI / 10};
    /** The lane of the waiting pod: c's label matches its 10 term, the tainted d's all three (50, the highest). */
    private static final LaneTerm LANE = new LaneTerm(1000, 100, RunTimePredictor.Source.FAMILY);

    @Test
    void theLoadsMakeTheBestClassInconsistent() {
        SimPod pod = probe(0);
        double fitA = SimCluster.score(SCORING, SHAPE, LOAD_A[0], LOAD_A[1], pod);
        double fitB = SimCluster.score(SCORING, SHAPE, LOAD_B[0], LOAD_B[1], pod);
        double fitC = SimCluster.score(SCORING, SHAPE, 0, 0, pod);
        int unmatched = ScorePlugins.points(false, 0, 50);
        int nearOnly = ScorePlugins.points(false, 10, 50);
        assertThat(nearOnly - unmatched).isEqualTo(40);
        assertThat(fitA).isNotEqualTo(fitB);
        assertThat(ScorePlugins.compare(unmatched, fitA, unmatched, fitB)).isPositive();
        assertThat(ScorePlugins.compare(nearOnly, fitC, unmatched, fitA)).isZero();
        assertThat(ScorePlugins.compare(nearOnly, fitC, unmatched, fitB)).isZero();
    }

    /** Every draw agrees with the scan of every node, node order included, and the scan did decide some of them. */
    @Test
    void inconsistentClassesAreLeftToTheScanAndPickTheSameNode() {
        int handedToScan = 0;
        for (long seed = 1; seed <= 40; seed++) {
            SimCluster bucketed = cluster(seed, false);
            SimCluster scanned = cluster(seed, true);
            for (int i = 0; i < 4; i++) {
                SimPod a = probe(i);
                SimPod b = probe(i);
                bucketed.submit(a);
                scanned.submit(b);
                bucketed.schedule(i);
                scanned.schedule(i);
                assertThat(a.node).as("seed %d pod %d", seed, i).isNotNull();
                assertThat(a.node.name).as("seed %d pod %d", seed, i).isEqualTo(b.node.name);
            }
            handedToScan += bucketed.picksHandedToScan();
        }
        assertThat(handedToScan).as("picks the scan decided").isPositive();
    }

    /** Nodes in an order that interleaves the kinds, so the scan's ties depend on which it meets first. */
    private static SimCluster cluster(long seed, boolean byScan) {
        SimCluster cluster = new SimCluster(SHAPE, SCORING, seed, 60_000);
        cluster.pickByScan = byScan;
        List<String> kinds = List.of("b", "c", "a", "d", "a", "c", "b", "c", "a");
        LaneTerm.Bounds bounds = LANE.bounds();
        List<SimNode> nodes =
                kinds.stream().map(k -> cluster.launch(null, 0, 0)).toList();
        cluster.runEventsUntil(0); // they join
        long filler = 1_000;
        for (int i = 0; i < kinds.size(); i++) {
            String kind = kinds.get(i);
            SimNode n = nodes.get(i);
            assertThat(n.acceptsPods()).isTrue();
            long[] load = kind.equals("a") ? LOAD_A : kind.equals("b") ? LOAD_B : null;
            if (load != null) {
                cluster.bind(new SimPod(filler++, load[0], load[1], 0, 3_600_000, 0, false), n, 0);
            }
            if (kind.equals("c")) {
                cluster.setLaneEnd(n, Long.toString(bounds.nearAbove() + 1));
            } else if (kind.equals("d")) {
                cluster.setLaneEnd(n, Long.toString(bounds.above() + 1));
                cluster.setTaint(n, SimNode.Taint.PREFER_NO_SCHEDULE);
            }
        }
        return cluster;
    }

    private static SimPod probe(long id) {
        SimPod pod = new SimPod(id, POD_CPU, POD_MEMORY, 0, 600_000, 0, false);
        pod.lane = LANE;
        return pod;
    }
}
