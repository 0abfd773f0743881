package io.joblane.simulator.cluster;

import static io.joblane.model.Quantity.GI;
import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.simulator.SimulatorInvariantsTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The nodes without Job pods are gathered the first time a policy asks (booting ones included, removed ones not) and
 * followed from then on: binds that fill an empty node, ends that empty one, launches and removals, in node order.
 */
class EmptyNodesTest {

    @Test
    void gatheredWhenFirstAskedThenFollowedInNodeOrder() {
        SimCluster cluster =
                new SimCluster(SimulatorInvariantsTest.shape(8, 32), SimCluster.Scoring.LEAST_ALLOCATED, 1, 60_000);
        List<SimNode> nodes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            nodes.add(cluster.launch(null, 0, 0));
        }
        SimNode booting = cluster.launch(null, 0, 30_000);
        cluster.remove(nodes.get(0), 0); // gone before anyone asked: never gathered
        cluster.bind(pod(1, 60_000), nodes.get(1), 0);
        cluster.bind(pod(2, 120_000), nodes.get(3), 0);

        assertThat(cluster.emptyNodes()).containsExactly(nodes.get(2), booting);
        assertThat(cluster.emptyNodeCount()).isEqualTo(2);

        cluster.runEventsUntil(60_000); // the pod on nodes[1] ends
        assertThat(cluster.emptyNodes()).containsExactly(nodes.get(1), nodes.get(2), booting);

        cluster.bind(pod(3, 600_000), booting, 60_000);
        cluster.remove(nodes.get(2), 60_000);
        SimNode launched = cluster.launch(null, 60_000, 60_000);
        assertThat(cluster.emptyNodes()).containsExactly(nodes.get(1), launched);

        cluster.runEventsUntil(120_000); // the pod on nodes[3] ends
        assertThat(cluster.emptyNodes()).containsExactly(nodes.get(1), nodes.get(3), launched);
        assertThat(cluster.emptyNodeCount()).isEqualTo(3);
    }

    private static SimPod pod(long id, long durationMillis) {
        return new SimPod(id, 1000, GI, 0, durationMillis, 0, true);
    }
}
