package io.joblane.simulator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.simulator.SimulatorInvariantsTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The cluster's node array holds the nodes of its map, in launch order, whatever was launched and removed, and does
 * not hold on to removed nodes when nobody reads it.
 */
class NodeArrayTest {
    @Test
    void holdsTheNodesInLaunchOrderAcrossLaunchesAndRemovals() {
        SimCluster cluster =
                new SimCluster(SimulatorInvariantsTest.shape(8, 32), SimCluster.Scoring.LEAST_ALLOCATED, 1, 60_000);
        SplittableRandom random = new SplittableRandom(3);
        for (int step = 0; step < 1500; step++) {
            if (cluster.nodes().isEmpty() || random.nextInt(100) < 55) {
                for (int k = random.nextInt(1, 40); k > 0; k--) {
                    cluster.launch(null, step, step + 1);
                }
            } else {
                List<SimNode> live = new ArrayList<>(cluster.nodes());
                for (int k = random.nextInt(1, 30); k > 0 && !live.isEmpty(); k--) {
                    cluster.remove(live.remove(random.nextInt(live.size())), step);
                }
            }
            // A cluster nobody reads it from keeps no more than twice its nodes (removed ones are dropped).
            assertThat(cluster.nodeArrayHeld())
                    .isLessThanOrEqualTo(2 * cluster.nodes().size() + 1);
            if (random.nextInt(3) == 0) { // not read after every change: removals pile up between reads
                int size = cluster.nodes().size();
                SimNode[] nodes = cluster.nodeArray();
                assertThat(Arrays.asList(nodes).subList(0, size)).containsExactlyElementsOf(cluster.nodes());
                assertThat(Arrays.asList(nodes).subList(size, nodes.length)).containsOnlyNulls();
            }
        }
    }
}
