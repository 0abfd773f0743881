package io.joblane.simulator.cluster;

import static io.joblane.model.Quantity.GI;
import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.model.lanes.LaneTerm;
import io.joblane.model.lanes.RunTimePredictor;
import io.joblane.simulator.SimulatorInvariantsTest;
import org.junit.jupiter.api.Test;

/** The simulated scheduler's NodeResourcesFit scoring: LeastAllocated spreads, MostAllocated (the packing scheduler) fills. */
class SchedulerScoringTest {
    private static final NodeShape SHAPE = SimulatorInvariantsTest.shape(16, 64);
    private static final NodeType TYPE = new NodeType("node", SHAPE, 0, Integer.MAX_VALUE);

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

    /** Two Ready nodes, a 4-core pod on the first; returns the cluster and its two nodes (fuller first). */
    private static SimNode[] twoNodes(SimCluster cluster) {
        cluster.launch("i-a", 0, 0);
        cluster.launch("i-b", 0, 0);
        SimNode[] n = cluster.nodes().toArray(new SimNode[0]);
        cluster.bind(pod(100, 4, 4), n[0], 0);
        return n;
    }

    private static SimNode place(SimCluster cluster, SimPod pod) {
        cluster.submit(pod);
        cluster.schedule(0);
        assertThat(pod.node)
                .as("a preferred term never keeps a pod pending beside room")
                .isNotNull();
        return pod.node;
    }

    /**
     * Guards against a lane term scored as anything but kube-scheduler's NodeAffinity (weight 2, normalised 0 or 100):
     * it outweighs MostAllocated (weight 1) but not TaintToleration's PreferNoSchedule (weight 3).
     */
    @Test
    void aMatchingLaneOutweighsPackingButNotThePreferNoScheduleTaint() {
        for (long seed = 1; seed <= 10; seed++) {
            SimCluster cluster = new SimCluster(SHAPE, SimCluster.Scoring.MOST_ALLOCATED, seed, 60_000);
            SimNode[] n = twoNodes(cluster);
            cluster.setLaneEnd(n[0], "100");
            cluster.setLaneEnd(n[1], "200");
            SimPod lane150 = pod(1, 1, 1);
            lane150.lane = lane(150);
            assertThat(place(cluster, lane150))
                    .as("seed " + seed + ": only the emptier node outlives the pod (200 > 150)")
                    .isSameAs(n[1]);

            SimPod lane300 = pod(2, 1, 1);
            lane300.lane = lane(300);
            assertThat(place(cluster, lane300))
                    .as("seed " + seed + ": no node matches, all score 0: MostAllocated decides")
                    .isSameAs(n[0]);

            cluster.setTaint(n[1], SimNode.Taint.PREFER_NO_SCHEDULE);
            SimPod again150 = pod(3, 1, 1);
            again150.lane = lane(150);
            assertThat(place(cluster, again150))
                    .as("seed " + seed + ": the draining taint (3 x 100) beats the lane (2 x 100)")
                    .isSameAs(n[0]);
        }
    }

    /** A pod expected to run 40 minutes and end at {@code endMinute}: its lane's margin is 10 minutes. */
    private static LaneTerm lane(long endMinute) {
        return new LaneTerm(endMinute, 40, RunTimePredictor.Source.FAMILY);
    }

    /**
     * Guards against scoring the graded lane as a single outlives-or-not term: among nodes that outlive the pod the one
     * ending soonest after it wins, even when it is the emptiest (normalised NodeAffinity 100 against 70: 60 points,
     * more than MostAllocated's difference here); without it, a node outliving the pod beats one the pod would extend.
     */
    @Test
    void theNodeWhoseLaneEndsSoonestAfterThePodWins() {
        for (long seed = 1; seed <= 10; seed++) {
            SimCluster cluster = new SimCluster(SHAPE, SimCluster.Scoring.MOST_ALLOCATED, seed, 60_000);
            cluster.launch("i-a", 0, 0);
            cluster.launch("i-b", 0, 0);
            cluster.launch("i-c", 0, 0);
            SimNode[] n = cluster.nodes().toArray(new SimNode[0]);
            cluster.bind(pod(100, 4, 16), n[0], 0);
            cluster.bind(pod(101, 2, 8), n[1], 0);
            cluster.setLaneEnd(n[0], "145"); // the pod would extend it by 5 minutes: weight 10
            cluster.setLaneEnd(n[1], "400"); // outlives the pod by far: 35
            cluster.setLaneEnd(n[2], "155"); // ends 5 minutes after the pod: 50
            SimPod first = pod(1, 1, 1);
            first.lane = lane(150);
            assertThat(place(cluster, first)).as("seed " + seed).isSameAs(n[2]);

            cluster.setLaneEnd(n[2], null);
            SimPod second = pod(2, 1, 1);
            second.lane = lane(150);
            assertThat(place(cluster, second))
                    .as("seed " + seed + ": outliving (100 normalised) beats extending by 5 minutes (28)")
                    .isSameAs(n[1]);
        }
    }

    /** NodeAffinity's normalisation with integer division, and the total with NodeResourcesFit's 0–100. */
    @Test
    void partialLaneScoresAreNormalisedAndAddedToTheFit() {
        assertThat(ScorePlugins.points(false, 70, 100)).isEqualTo(300 + 140);
        assertThat(ScorePlugins.points(false, 20, 70)).as("100 * 20 / 70 = 28").isEqualTo(300 + 56);
        assertThat(ScorePlugins.points(true, 0, 0)).isZero();
        assertThat(ScorePlugins.compare(440, 0.95, 500, 0.3))
                .as("a partial match on a fuller node beats a full match on an emptier one by fit")
                .isPositive();
        assertThat(ScorePlugins.compare(440, 0.5, 500, 0.3)).isNegative();
        assertThat(ScorePlugins.compare(500, 0.5, 500, 0.5)).isZero();
    }

    /** A busier Spot node and an empty on-demand one, under the packing scheduler; where does a 1-core pod land? */
    private static SimNode landsOn(boolean prefersOnDemand, boolean laneOnSpot) {
        SimCluster cluster = new SimCluster(SHAPE, SimCluster.Scoring.MOST_ALLOCATED, 1, 60_000);
        SimNode spot = cluster.launch("i-spot", 0, 0);
        SimNode onDemand = cluster.launch("i-od", 0, 0);
        spot.spot = true;
        SimPod busy = pod(1, 8, 8);
        busy.zone = spot.zone;
        cluster.submit(busy);
        cluster.schedule(0);
        assertThat(busy.node).isSameAs(spot);
        SimPod pod = pod(2, 1, 1);
        pod.prefersOnDemand = prefersOnDemand;
        if (laneOnSpot) {
            cluster.setLaneEnd(spot, "100");
            pod.lane = lane(50); // the Spot node's lane outlives it by far: 35 of the lane's 50
        }
        cluster.submit(pod);
        cluster.schedule(0);
        return pod.node == spot ? spot : pod.node == onDemand ? onDemand : null;
    }

    @Test
    void aPodThatPrefersOnDemandLandsOnAnOnDemandNodeOverABusierSpotNode() {
        // Guards against: the webhook's on-demand term ignored by the simulated scheduler (long Jobs packed onto Spot).
        assertThat(landsOn(false, false).spot)
                .as("packing alone: the busier node")
                .isTrue();
        assertThat(landsOn(true, false).spot)
                .as("NodeAffinity 2 x 100 outweighs the fit")
                .isFalse();
        assertThat(landsOn(true, true).spot)
                .as("on-demand (100) beats a lane (35 of 50): 2 x 100 against 2 x 35 and a better fit")
                .isFalse();
    }

    @Test
    void nodeAffinityNormalisesTheSumOfBothTermsToTheHighest() {
        // DefaultNormalizeScore: 100 x sum / max, integer division; TaintToleration 3 x 100 without the taint.
        assertThat(ScorePlugins.points(false, 150, 150)).isEqualTo(300 + 200);
        assertThat(ScorePlugins.points(false, 100, 150)).isEqualTo(300 + 132);
        assertThat(ScorePlugins.points(false, 50, 150)).isEqualTo(300 + 66);
        assertThat(ScorePlugins.points(true, 0, 0)).isZero();
        // 66 NodeAffinity points apart: a fit better by more than 0.66 wins, by less does not.
        assertThat(ScorePlugins.compare(366, 0.9, 432, 0.2)).isPositive();
        assertThat(ScorePlugins.compare(366, 0.5, 432, 0.2)).isNegative();
    }
}
