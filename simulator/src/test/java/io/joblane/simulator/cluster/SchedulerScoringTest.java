package io.joblane.simulator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.simulator.SimulatorInvariantsTest;
import org.junit.jupiter.api.Test;

/** The simulated scheduler's NodeResourcesFit scoring: LeastAllocated spreads, MostAllocated (the packing scheduler) fills. */
class SchedulerScoringTest {
    private static final NodeShape SHAPE = SimulatorInvariantsTest.shape(16, 64);
    private static final NodeType TYPE = new NodeType("node", SHAPE, 0, Integer.MAX_VALUE);
    private static final long GI = 1024L * 1024 * 1024 * 1000;

    private static SimPod pod(long id, int cpu, int memoryGi) {
        return new SimPod(id, cpu * 1000L, memoryGi * GI, 0, 3_600_000, 0, true);
    }

    @Test
    void mostAllocatedScoresTheFullerNodeHigherAndLeastAllocatedTheEmptier() {
        SimNode empty = new SimNode("empty", "i-1", 0, TYPE);
        SimNode fuller = new SimNode("fuller", "i-2", 0, TYPE);
        fuller.usedCpu += 8000;
        fuller.usedMemory += 32 * GI;
        SimPod small = pod(1, 1, 4);

        assertThat(SimCluster.score(SimCluster.Scoring.MOST_ALLOCATED, fuller, small))
                .isGreaterThan(SimCluster.score(SimCluster.Scoring.MOST_ALLOCATED, empty, small));
        assertThat(SimCluster.score(SimCluster.Scoring.LEAST_ALLOCATED, empty, small))
                .isGreaterThan(SimCluster.score(SimCluster.Scoring.LEAST_ALLOCATED, fuller, small));
        // Requested share over cpu and memory, weights 1 each, the pod and the DaemonSets included.
        double cpu = (0.25 + 8 + 1) / 16.0;
        double memory = (0.5 + 32 + 4) / 64.0;
        assertThat(SimCluster.score(SimCluster.Scoring.MOST_ALLOCATED, fuller, small))
                .isCloseTo((cpu + memory) / 2, org.assertj.core.data.Offset.offset(1e-9));
    }

    /** Two Ready nodes; an 8-core pod lands on one, then a 1-core pod is scheduled. Returns whether they share a node. */
    private static boolean smallJoinsBig(SimCluster.Scoring scoring, long seed, boolean taintFuller) {
        SimCluster cluster = new SimCluster(SHAPE, scoring, seed, 60_000);
        cluster.launch("i-a", 0, 0);
        cluster.launch("i-b", 0, 0);
        SimPod big = pod(1, 8, 8);
        cluster.submit(big);
        cluster.schedule(0);
        assertThat(big.node).isNotNull();
        if (taintFuller) {
            cluster.setTaint(big.node, SimNode.Taint.PREFER_NO_SCHEDULE);
        }
        SimPod small = pod(2, 1, 1);
        cluster.submit(small);
        cluster.schedule(0);
        assertThat(small.node).isNotNull();
        return small.node == big.node;
    }

    @Test
    void theSchedulerPacksUnderMostAllocatedAndSpreadsUnderLeastAllocated() {
        for (long seed = 1; seed <= 20; seed++) {
            assertThat(smallJoinsBig(SimCluster.Scoring.MOST_ALLOCATED, seed, false))
                    .as("seed " + seed)
                    .isTrue();
            assertThat(smallJoinsBig(SimCluster.Scoring.LEAST_ALLOCATED, seed, false))
                    .as("seed " + seed)
                    .isFalse();
        }
    }

    @Test
    void packingStillAvoidsAPreferNoScheduleNodeWhenAnotherFits() {
        for (long seed = 1; seed <= 20; seed++) {
            assertThat(smallJoinsBig(SimCluster.Scoring.MOST_ALLOCATED, seed, true))
                    .as("seed " + seed)
                    .isFalse();
        }
    }
}
