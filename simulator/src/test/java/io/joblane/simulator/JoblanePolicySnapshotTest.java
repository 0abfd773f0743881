package io.joblane.simulator;

import static io.joblane.model.Quantity.GI;
import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.scaler.cloud.fake.LaunchRule;
import io.joblane.scaler.plan.ClusterSnapshot;
import io.joblane.scaler.plan.PodInfo;
import io.joblane.simulator.cluster.NodeType;
import io.joblane.simulator.cluster.NodeTypes;
import io.joblane.simulator.cluster.SimCluster;
import io.joblane.simulator.cluster.SimPod;
import io.joblane.simulator.policy.JoblanePolicy;
import java.util.List;
import org.junit.jupiter.api.Test;

class JoblanePolicySnapshotTest {

    /**
     * Pods of equal requests hand the planner one requests object (its memos compare by reference first), waiting or
     * bound (a bound pod's view is made again at its bind); pods of other requests their own values.
     */
    @Test
    void podsOfEqualRequestsShareOneRequestsObject() {
        NodeType type = new NodeType("small", SimulatorInvariantsTest.shape(8, 32), 1.0, Integer.MAX_VALUE);
        NodeTypes types = new NodeTypes(List.of(type), LaunchRule.PRIORITIZED);
        SimCluster cluster = new SimCluster(types, SimCluster.Scoring.MOST_ALLOCATED, 1, 60_000);
        JoblanePolicy policy = SimulatorInvariantsTest.startedJoblane(types, cluster);
        cluster.submit(new SimPod(1, 2_000, 4 * GI, 0, 60_000, 0, true));
        cluster.submit(new SimPod(2, 2_000, 4 * GI, 0, 60_000, 0, true));
        cluster.submit(new SimPod(3, 1_000, 4 * GI, 0, 60_000, 0, true));
        cluster.submit(new SimPod(4, 2_000, 4 * GI, 1, 60_000, 0, true));
        SimPod bound = new SimPod(5, 2_000, 4 * GI, 0, 60_000, 0, true);
        cluster.submit(bound);
        List<PodInfo> waiting = policy.snapshot().pods(); // every pod waits: no node yet
        cluster.launch("i-1", 0, 0);
        cluster.runEventsUntil(0);
        cluster.bind(bound, cluster.nodeByInstance("i-1"), 0);

        ClusterSnapshot snapshot = policy.snapshot();

        assertThat(waiting).hasSize(5);
        assertThat(waiting.get(1).requests()).isSameAs(waiting.get(0).requests());
        assertThat(waiting.get(2).requests().get("cpu")).isEqualTo(1_000);
        assertThat(waiting.get(3).requests().get("cpu")).isEqualTo(2_000);
        assertThat(waiting.get(3).requests().get("nvidia.com/gpu")).isEqualTo(1_000);
        PodInfo onNode = snapshot.podsOfNodes().get(0).get(0);
        assertThat(onNode.uid()).isEqualTo(bound.uid());
        assertThat(onNode.requests()).isSameAs(waiting.get(0).requests());
    }
}
