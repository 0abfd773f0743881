package io.joblane.simulator.policy;

import static io.joblane.model.Quantity.GI;
import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.scaler.lanes.LaneNode;
import io.joblane.scaler.lanes.LanePod;
import io.joblane.scaler.plan.NodeEdits;
import io.joblane.scaler.plan.NodeInfo;
import io.joblane.scaler.plan.PodInfo;
import io.joblane.scaler.plan.PodPhase;
import io.joblane.simulator.SimulatorInvariantsTest;
import io.joblane.simulator.cluster.SimCluster;
import io.joblane.simulator.cluster.SimNode;
import io.joblane.simulator.cluster.SimPod;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The edits the ready-node list hands with each snapshot's nodes say how that list came from the one before: every
 * node they leave untouched is the very same object with the very same pods' list at its earlier place, as nodes
 * join, take and finish pods, get drain taints and leave.
 */
class ReadyNodesEditsTest {

    /** A node's view made again only when its drain taint changed, as the Joblane policy's caches do. */
    private final Map<SimNode, NodeInfo> views = new IdentityHashMap<>();

    private NodeInfo view(SimNode n) {
        NodeInfo v = views.get(n);
        if (v == null || !v.labels().get("taint").equals(n.drainTaint.name())) {
            v = new NodeInfo(
                    n.name,
                    "g",
                    n.instanceId,
                    null,
                    true,
                    null,
                    false,
                    false,
                    null,
                    false,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    Map.of("taint", n.drainTaint.name()),
                    null);
            views.put(n, v);
        }
        return v;
    }

    private static PodInfo podView(SimPod p) {
        return new PodInfo(
                "uid-" + p.id,
                "default",
                "p" + p.id,
                "g",
                null,
                PodPhase.RUNNING,
                true,
                false,
                false,
                p.node == null ? null : p.node.name,
                Instant.EPOCH,
                Instant.EPOCH,
                null,
                null,
                null);
    }

    @Test
    void everyNodeTheEditsLeaveUntouchedIsTheSameNodeWithTheSamePodsAtItsEarlierPlace() {
        run(true);
    }

    /** Without lanes only the planner's lists are handed (and logged). */
    @Test
    void withoutLanesThePlannersEditsStillHold() {
        run(false);
    }

    /** With {@code lanes}, lanes reads its lists every other scan: its edits span both scans' changes. */
    private void run(boolean lanes) {
        SimCluster cluster =
                new SimCluster(SimulatorInvariantsTest.shape(8, 32), SimCluster.Scoring.LEAST_ALLOCATED, 1, 60_000);
        ReadyNodes ready = new ReadyNodes(cluster, this::view, n -> n.podInfos(ReadyNodesEditsTest::podView), lanes);
        Random rnd = new Random(7);
        List<SimNode> live = new ArrayList<>();
        List<NodeInfo> lastInfos = null;
        List<List<PodInfo>> lastPods = null;
        List<LaneNode> lastLaneNodes = null;
        List<List<LanePod>> lastLanePods = null;
        int untouched = 0;
        int laneUntouched = 0;
        int touched = 0;
        long id = 0;
        for (long t = 0; t < 400 * 10_000L; t += 10_000) {
            cluster.runEventsUntil(t);
            for (int c = rnd.nextInt(4); c > 0; c--) {
                switch (rnd.nextInt(6)) {
                    case 0 -> live.add(cluster.launch(null, t, t + 10_000 * rnd.nextInt(3)));
                    case 1 ->
                        cluster.submit(new SimPod(
                                id++,
                                1000L * (1 + rnd.nextInt(4)),
                                2 * GI,
                                0,
                                10_000L * (1 + rnd.nextInt(30)),
                                t,
                                true));
                    case 2 -> {
                        if (!live.isEmpty()) {
                            SimNode n = live.get(rnd.nextInt(live.size()));
                            cluster.setTaint(n, SimNode.Taint.values()[rnd.nextInt(SimNode.Taint.values().length)]);
                        }
                    }
                    case 3 -> {
                        if (!live.isEmpty() && rnd.nextInt(3) == 0) {
                            SimNode n = live.remove(rnd.nextInt(live.size()));
                            cluster.evictAll(n, t);
                            cluster.remove(n, t);
                        }
                    }
                    default -> {} // a scan in which nothing new happened
                }
            }
            cluster.runEventsUntil(t);
            cluster.schedule(t);
            ready.refresh();
            List<NodeInfo> infos = ready.infos();
            List<List<PodInfo>> pods = ready.podLists();
            NodeEdits edits = ready.edits();
            if (lanes && t % 20_000 == 0) {
                List<LaneNode> laneNodes = ready.laneNodes();
                List<List<LanePod>> lanePods = ready.lanePods();
                NodeEdits laneEdits = ready.laneEdits();
                if (lastLaneNodes != null) {
                    assertThat(laneEdits.from()).isSameAs(lastLaneNodes);
                    int[] was = laneEdits.was(laneNodes.size());
                    for (int i = 0; i < laneNodes.size(); i++) {
                        if (was[i] >= 0) {
                            assertThat(lastLaneNodes.get(was[i])).isSameAs(laneNodes.get(i));
                            assertThat(lastLanePods.get(was[i])).isSameAs(lanePods.get(i));
                            laneUntouched++;
                        }
                    }
                }
                lastLaneNodes = laneNodes;
                lastLanePods = lanePods;
            }
            if (lastInfos == null) {
                assertThat(edits).isNull();
            } else {
                assertThat(edits.from()).isSameAs(lastInfos);
                int[] was = edits.was(infos.size());
                assertThat(was).as("at %d s", t / 1000).isNotNull();
                for (int i = 0; i < infos.size(); i++) {
                    if (was[i] >= 0) {
                        assertThat(lastInfos.get(was[i])).isSameAs(infos.get(i));
                        assertThat(lastPods.get(was[i])).isSameAs(pods.get(i));
                        untouched++;
                    } else {
                        touched++;
                    }
                }
            }
            lastInfos = infos;
            lastPods = pods;
        }
        assertThat(untouched).as("nodes left untouched").isGreaterThan(2_000);
        assertThat(touched).as("nodes touched").isGreaterThan(200);
        if (lanes) {
            assertThat(laneUntouched).as("lanes' nodes left untouched").isGreaterThan(1_000);
        }
    }
}
