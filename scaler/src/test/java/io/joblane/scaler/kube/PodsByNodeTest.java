package io.joblane.scaler.kube;

import static io.joblane.scaler.plan.Fixtures.GI;
import static io.joblane.scaler.plan.Fixtures.T0;
import static io.joblane.scaler.plan.Fixtures.cpuMem;
import static io.joblane.scaler.plan.Fixtures.node;
import static io.joblane.scaler.plan.Fixtures.pending;
import static io.joblane.scaler.plan.Fixtures.running;
import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.scaler.plan.ClusterSnapshot;
import io.joblane.scaler.plan.NodeInfo;
import io.joblane.scaler.plan.PodInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

class PodsByNodeTest {
    final PodsByNode byNode = new PodsByNode();
    final List<NodeInfo> nodes = List.of(node("a", "g"), node("b", "g"));
    final PodInfo onA1 = running("a1", "g", cpuMem(1000, GI), "a", T0);
    final PodInfo onA2 = running("a2", "g", cpuMem(1000, GI), "a", T0);
    final PodInfo onB = running("b1", "g", cpuMem(1000, GI), "b", T0);
    final PodInfo elsewhere = running("x", "g", cpuMem(1000, GI), "gone", T0);
    final PodInfo waiting = pending("w", "g", cpuMem(1000, GI));

    ClusterSnapshot scan(List<NodeInfo> nodes, PodInfo... pods) {
        return byNode.snapshot(T0, nodes, List.of(pods), List.of());
    }

    @Test
    void podsOfListedNodesAreHandedPerNodeAndTheRestStayFlat() {
        ClusterSnapshot s = scan(nodes, onA1, waiting, onB, elsewhere, onA2);

        assertThat(s.podsOfNodes()).hasSize(2);
        assertThat(s.podsOfNodes().get(0)).containsExactly(onA1, onA2);
        assertThat(s.podsOfNodes().get(1)).containsExactly(onB);
        assertThat(s.pods()).containsExactly(waiting, elsewhere);
        assertThat(s.allPods()).containsExactlyInAnyOrder(onA1, onA2, onB, elsewhere, waiting);
    }

    @Test
    void aNodeWhosePodsAreTheSameObjectsKeepsItsListAndAChangedNodeGetsANewOne() {
        ClusterSnapshot first = scan(nodes, onA1, onA2, onB);
        PodInfo onBChanged = running("b1", "g", cpuMem(2000, GI), "b", T0);

        ClusterSnapshot second = scan(nodes, onA1, onA2, onBChanged);

        assertThat(second.podsOfNodes().get(0)).isSameAs(first.podsOfNodes().get(0));
        assertThat(second.podsOfNodes().get(1))
                .isNotSameAs(first.podsOfNodes().get(1))
                .containsExactly(onBChanged);
    }

    @Test
    void aPodAddedGoneOrReorderedGivesTheNodeANewList() {
        List<PodInfo> before = scan(nodes, onA1, onA2).podsOfNodes().get(0);

        List<PodInfo> reordered = scan(nodes, onA2, onA1).podsOfNodes().get(0);
        List<PodInfo> shrunk = scan(nodes, onA2).podsOfNodes().get(0);
        List<PodInfo> grown = scan(nodes, onA2, onA1).podsOfNodes().get(0);

        assertThat(reordered).isNotSameAs(before).containsExactly(onA2, onA1);
        assertThat(shrunk).isNotSameAs(reordered).containsExactly(onA2);
        assertThat(grown).isNotSameAs(shrunk).containsExactly(onA2, onA1);
        assertThat(scan(nodes).podsOfNodes()).allSatisfy(l -> assertThat(l).isEmpty());
    }

    @Test
    void aNodeThatLeftAndCameBackIsNotHandedItsOldList() {
        List<PodInfo> before = scan(nodes, onA1).podsOfNodes().get(0);
        scan(List.of(nodes.get(1)), onB);

        assertThat(scan(nodes, onA1).podsOfNodes().get(0)).isNotSameAs(before).containsExactly(onA1);
    }
}
