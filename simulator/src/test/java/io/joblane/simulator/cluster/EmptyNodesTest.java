package io.joblane.simulator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.simulator.SimulatorInvariantsTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The nodes without Job pods are gathered the first time a policy asks and followed from then on: binds that fill an
 * empty node, ends that empty one, launches and removals, always in node order.
 */
class EmptyNodesTest {
    private static final long GI = 1024L * 1024 * 1024 * 1000;

    @Test
    void gatheredWhenFirstAskedThenFollowedInNodeOrder() {
        SimCluster cluster =
                new SimCluster(SimulatorInvariantsTest.shape(8, 32), SimCluster.Scoring.LEAST_ALLOCATED, 1, 60_000);
        List<SimNode> nodes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            nodes.add(cluster.launch(null, 0, 0));
        }
        SimPod onFirst = pod(1, 60_000);
        SimPod onThird = pod(2, 120_000);
        cluster.bind(onFirst, nodes.get(1), 0);
        cluster.bind(onThird, nodes.get(3), 0);

        assertThat(cluster.emptyNodes()).containsExactly(nodes.get(0), nodes.get(2));
        assertThat(cluster.emptyNodeCount()).isEqualTo(2);

        cluster.runEventsUntil(60_000); // the first pod ends
        assertThat(cluster.emptyNodes()).containsExactly(nodes.get(0), nodes.get(1), nodes.get(2));

        cluster.bind(pod(3, 600_000), nodes.get(0), 60_000);
        cluster.remove(nodes.get(2), 60_000);
        SimNode launched = cluster.launch(null, 60_000, 60_000);
        assertThat(cluster.emptyNodes()).containsExactly(nodes.get(1), launched);

        cluster.runEventsUntil(120_000); // the third node's pod ends
        assertThat(cluster.emptyNodes()).containsExactly(nodes.get(1), nodes.get(3), launched);
        assertThat(cluster.emptyNodeCount()).isEqualTo(3);
    }

    private static SimPod pod(long id, long durationMillis) {
        return new SimPod(id, 1000, GI, 0, durationMillis, 0, true);
    }
}
