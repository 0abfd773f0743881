package io.joblane.simulator.policy;

import static io.joblane.model.Quantity.GI;
import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.scaler.cloud.fake.LaunchRule;
import io.joblane.simulator.SimulatorInvariantsTest;
import io.joblane.simulator.cluster.NodeShape;
import io.joblane.simulator.cluster.NodeType;
import io.joblane.simulator.cluster.NodeTypes;
import io.joblane.simulator.cluster.SimCluster;
import io.joblane.simulator.cluster.SimNode;
import io.joblane.simulator.cluster.SimPod;
import io.joblane.simulator.cluster.SpotMarket;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The behaviours of the peer models that the comparison rests on, each from cluster-autoscaler's or Karpenter's code
 * (cited in the simulator's README), and the clairvoyant reference's definition.
 */
class PeerPoliciesTest {
    private static final NodeShape SHAPE = SimulatorInvariantsTest.shape(16, 64);
    private static final long MIN = 60_000;
    private static final long BOOT = 90_000;

    private static SimPod pod(long id, int cpu, long durationMillis, long submitted, boolean safeToEvictFalse) {
        return new SimPod(id, cpu * 1000L, cpu * 4 * GI, 0, durationMillis, submitted, safeToEvictFalse);
    }

    private static ClusterAutoscalerPolicy ca(ClusterAutoscalerPolicy.JobPods jobPods) {
        return new ClusterAutoscalerPolicy(jobPods, SimCluster.Scoring.LEAST_ALLOCATED, BOOT, 100);
    }

    /** Events, the scheduler and a scan every 10 s from {@code from} up to {@code to}, as the simulation runs them. */
    private static void run(SimCluster cluster, ScalingPolicy policy, long from, long to) {
        for (long t = from; t <= to; t += 10_000) {
            cluster.runEventsUntil(t);
            cluster.schedule(t);
            policy.afterSchedule(cluster, t);
            policy.scan(cluster, t);
            cluster.runEventsUntil(t);
            cluster.schedule(t);
        }
    }

    /** Regression: the old model never soft-tainted, so new Jobs kept landing on the nodes it wanted to remove. */
    @Test
    void clusterAutoscalerSoftTaintsUnneededNodesSoNewJobsAvoidThem() {
        SimCluster cluster = new SimCluster(SHAPE, SimCluster.Scoring.LEAST_ALLOCATED, 1, 60_000);
        SimNode a = cluster.launch("i-a", 0, 0);
        SimNode b = cluster.launch("i-b", 0, 0);
        SimPod big = pod(1, 10, 3_600_000, 0, true); // 64% of cpu: needed
        cluster.submit(big);
        cluster.schedule(0);
        SimNode full = big.node;
        SimNode idle = full == a ? b : a;
        ClusterAutoscalerPolicy policy = ca(ClusterAutoscalerPolicy.JobPods.SAFE_TO_EVICT_FALSE);
        policy.scan(cluster, 10_000);

        assertThat(idle.drainTaint).isEqualTo(SimNode.Taint.PREFER_NO_SCHEDULE);
        assertThat(full.drainTaint).isEqualTo(SimNode.Taint.NONE);
        SimPod small = pod(2, 1, 60_000, 10_000, true);
        cluster.submit(small);
        cluster.schedule(10_000);
        assertThat(small.node)
                .as("LeastAllocated alone would pick the empty node")
                .isSameAs(full);
    }

    /**
     * Regression: scans skipped while a node's Job pods keep it unremovable must still recheck it every 5 minutes
     * from the scans that would have run, or the next real recheck moves and the figures drift from scanning every
     * interval. The node is set aside meanwhile: its recheck time is caught up when its Job ends.
     */
    @Test
    void clusterAutoscalerReplaysTheRechecksOfSkippedScans() {
        SimCluster cluster = new SimCluster(SHAPE, SimCluster.Scoring.LEAST_ALLOCATED, 1, 60_000);
        SimNode node = cluster.launch("i-a", 0, 0);
        SimPod job = pod(1, 2, 23 * MIN, 0, true); // 12% of cpu: under the threshold, but blocks the node
        cluster.submit(job);
        cluster.schedule(0);
        ClusterAutoscalerPolicy policy = ca(ClusterAutoscalerPolicy.JobPods.SAFE_TO_EVICT_FALSE);
        policy.scansEvery(10_000);
        policy.start(cluster, 0);
        policy.scan(cluster, 10 * MIN);
        assertThat(node.recheckAfter).isEqualTo(15 * MIN);

        assertThat(policy.nextScanWanted(cluster, 10 * MIN))
                .as("a recheck that finds the same pods is no reason to scan")
                .isEqualTo(Long.MAX_VALUE);
        policy.scan(cluster, 22 * MIN); // the scans at 15 and 20 minutes were skipped
        assertThat(node.lowSince).isEqualTo(-1);
        assertThat(node.recheckAfter)
                .as("set aside: no scan looked at it, nothing caught up yet")
                .isEqualTo(15 * MIN);
        run(cluster, policy, 22 * MIN + 10_000, 24 * MIN + 50_000);
        assertThat(job.node).as("ended at 23 minutes").isNull();
        assertThat(node.lowSince)
                .as("rechecked at 15 and 20 minutes by the skipped scans: not looked at again before 25")
                .isEqualTo(-1);
        run(cluster, policy, 25 * MIN, 25 * MIN);
        assertThat(node.lowSince).as("unneeded from the recheck at 25 minutes").isEqualTo(25 * MIN);
    }

    /**
     * A blocked node set aside, then changed after a scan that would have rechecked it: the recheck of that scan counts
     * when the change is taken in after it (the next recheck 5 minutes from that scan, not from the next one). The
     * simulation never asks for the next wanted scan after a change (the scan is not quiet then); a caller that does
     * gets the same figures.
     */
    @Test
    void clusterAutoscalerCountsTheRecheckOfTheScanJustRunForANodeSetAsideThatChanges() {
        SimCluster cluster = new SimCluster(SHAPE, SimCluster.Scoring.LEAST_ALLOCATED, 1, 60_000);
        SimNode node = cluster.launch("i-a", 0, 0);
        cluster.submit(pod(1, 2, 23 * MIN, 0, true)); // under the threshold, but blocks the node
        cluster.schedule(0);
        ClusterAutoscalerPolicy policy = ca(ClusterAutoscalerPolicy.JobPods.SAFE_TO_EVICT_FALSE);
        policy.scansEvery(10_000);
        policy.start(cluster, 0);
        policy.scan(cluster, 10 * MIN);
        policy.scan(cluster, 15 * MIN); // rechecks it: blocked again until 20 minutes
        cluster.submit(pod(2, 1, MIN, 15 * MIN, true));
        cluster.schedule(15 * MIN);
        assertThat(policy.nextScanWanted(cluster, 15 * MIN))
                .as("back in view after its change: its recheck caught up to 20 minutes, a reason to scan then")
                .isEqualTo(20 * MIN);
        run(cluster, policy, 15 * MIN + 10_000, 25 * MIN + 10_000);
        assertThat(node.lowSince)
                .as("rechecked at 15 and 20 minutes, unneeded from the one at 25 (its first Job ended at 23)")
                .isEqualTo(25 * MIN);
    }

    @Test
    void clusterAutoscalerSoftTaintsAtMostTenNodesPerLoop() {
        SimCluster cluster = new SimCluster(SHAPE, SimCluster.Scoring.LEAST_ALLOCATED, 1, 60_000);
        for (int i = 0; i < 25; i++) {
            cluster.launch(null, 0, 0);
        }
        ClusterAutoscalerPolicy policy = ca(ClusterAutoscalerPolicy.JobPods.SAFE_TO_EVICT_FALSE);
        policy.scan(cluster, 10_000);
        assertThat(cluster.nodes().stream().filter(n -> n.drainTaint == SimNode.Taint.PREFER_NO_SCHEDULE))
                .hasSize(10);
        policy.scan(cluster, 20_000);
        assertThat(cluster.nodes().stream().filter(n -> n.drainTaint == SimNode.Taint.PREFER_NO_SCHEDULE))
                .hasSize(20);
    }

    /** Removals come first and share the loop's 10 changes with the additions, each in node order. */
    @Test
    void clusterAutoscalerSoftTaintRemovalsComeFirstAndShareTheBudget() {
        ThirtyEmpty at = ThirtyEmpty.launch();
        List<SimNode> nodes = at.nodes();
        at.policy().scan(at.cluster(), 10_000);
        assertThat(tainted(nodes)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        for (int i : new int[] {1, 3, 4, 8}) { // busy: needed again, their soft taints to go
            at.cluster().bind(pod(100 + i, 10, 3_600_000, 20_000, false), nodes.get(i), 20_000);
        }
        at.policy().scan(at.cluster(), 20_000);
        assertThat(tainted(nodes)).containsExactly(0, 2, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15);
        for (int i = 0; i <= 15; i++) { // the twelve tainted busy: ten removals take the budget, no addition
            if (i != 1 && i != 3 && i != 4 && i != 8) {
                at.cluster().bind(pod(200 + i, 10, 3_600_000, 30_000, false), nodes.get(i), 30_000);
            }
        }
        at.policy().scan(at.cluster(), 30_000);
        assertThat(tainted(nodes)).containsExactly(14, 15);
    }

    /** Additions met before removals still wait for them: removals first even when later in node order. */
    @Test
    void clusterAutoscalerSoftTaintRemovalsGoFirstWhereverTheyStand() {
        ThirtyEmpty at = ThirtyEmpty.launch();
        List<SimNode> nodes = at.nodes();
        for (long t = 10_000; t <= 30_000; t += 10_000) {
            at.policy().scan(at.cluster(), t);
        }
        assertThat(tainted(nodes)).hasSize(30);
        for (int i = 0; i < 4; i++) { // busy for 20 s: untainted, then unneeded and untainted at the front
            at.cluster().bind(pod(100 + i, 10, 20_000, 40_000, false), nodes.get(i), 40_000);
        }
        at.policy().scan(at.cluster(), 40_000);
        assertThat(tainted(nodes)).hasSize(26).doesNotContain(0, 1, 2, 3);
        at.cluster().runEventsUntil(60_000);
        for (int i = 20; i < 29; i++) { // nine busy tainted nodes after them
            at.cluster().bind(pod(200 + i, 10, 3_600_000, 60_000, false), nodes.get(i), 60_000);
        }
        at.policy().scan(at.cluster(), 60_000);
        List<Integer> expected = new java.util.ArrayList<>(List.of(0)); // nine removals leave room for one addition
        for (int i = 4; i < 20; i++) {
            expected.add(i);
        }
        expected.add(29);
        assertThat(tainted(nodes)).isEqualTo(expected);
    }

    /** Thirty empty Ready nodes in node order under a cluster-autoscaler model that waits for on-completion pods. */
    private record ThirtyEmpty(SimCluster cluster, List<SimNode> nodes, ClusterAutoscalerPolicy policy) {
        static ThirtyEmpty launch() {
            SimCluster cluster = new SimCluster(SHAPE, SimCluster.Scoring.LEAST_ALLOCATED, 1, 60_000);
            List<SimNode> nodes = new java.util.ArrayList<>();
            for (int i = 0; i < 30; i++) {
                nodes.add(cluster.launch(null, 0, 0));
            }
            return new ThirtyEmpty(cluster, nodes, ca(ClusterAutoscalerPolicy.JobPods.ON_COMPLETION));
        }
    }

    private static List<Integer> tainted(List<SimNode> nodes) {
        List<Integer> out = new java.util.ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i).drainTaint == SimNode.Taint.PREFER_NO_SCHEDULE) {
                out.add(i);
            }
        }
        return out;
    }

    /** One empty node under a cluster-autoscaler model that scanned every 10 s up to 30 s: unneeded at 0, tainted. */
    private record SetAside(SimCluster cluster, SimNode node, ClusterAutoscalerPolicy policy) {
        static SetAside afterThirtySeconds() {
            SimCluster cluster = new SimCluster(SHAPE, SimCluster.Scoring.LEAST_ALLOCATED, 1, 60_000);
            SimNode idle = cluster.launch("i-a", 0, 0);
            ClusterAutoscalerPolicy policy = ca(ClusterAutoscalerPolicy.JobPods.SAFE_TO_EVICT_FALSE);
            policy.scansEvery(10_000);
            policy.start(cluster, 0);
            run(cluster, policy, 0, 30_000); // unneeded at 0, tainted at 0, set aside after the scan at 10 s
            return new SetAside(cluster, idle, policy);
        }
    }

    /**
     * An unneeded, soft-tainted node is set aside between scans until it is due: the loop must still ask to be woken
     * when its 10 minutes run out, and delete it then.
     */
    @Test
    void clusterAutoscalerWakesForAnUnneededNodeSetAsideUntilItIsDue() {
        SetAside w = SetAside.afterThirtySeconds();
        assertThat(w.node().lowSince).isZero();
        assertThat(w.node().drainTaint).isEqualTo(SimNode.Taint.PREFER_NO_SCHEDULE);
        assertThat(w.policy().nextScanWanted(w.cluster(), 30_000))
                .as("due for deletion after 10 minutes unneeded")
                .isEqualTo(10 * MIN);
        w.policy().scan(w.cluster(), 10 * MIN);
        assertThat(w.node().isRemoved()).isTrue();
    }

    /**
     * A node set aside that a pod then lands on (a soft taint is a preference) is looked at again: needed, untainted.
     * Once its Job ends it is unneeded again from its recheck, set aside again, and deleted when that time is due.
     */
    @Test
    void clusterAutoscalerLooksAgainAtANodeSetAsideWhenAPodLandsOnIt() {
        SetAside w = SetAside.afterThirtySeconds();
        SimPod job = pod(1, 1, 2 * MIN, 35_000, true);
        w.cluster().submit(job);
        w.cluster().schedule(35_000);
        assertThat(job.node).isSameAs(w.node());
        run(w.cluster(), w.policy(), 40_000, 50_000);
        assertThat(w.node().lowSince).as("its Job blocks it").isEqualTo(-1);
        assertThat(w.node().drainTaint).isEqualTo(SimNode.Taint.NONE);
        run(w.cluster(), w.policy(), 60_000, 15 * MIN + 30_000);
        assertThat(w.node().lowSince)
                .as("empty at 2m35s, unneeded from the recheck at 5m40s")
                .isEqualTo(5 * MIN + 40_000);
        assertThat(w.node().isRemoved()).isFalse();
        run(w.cluster(), w.policy(), 15 * MIN + 40_000, 15 * MIN + 40_000);
        assertThat(w.node().isRemoved()).as("due 10 minutes later").isTrue();
    }

    /**
     * A node set aside that leaves without the policy's deletion (here the cloud takes it, through the removal the Spot
     * taker uses) is forgotten: the loop no longer asks to be woken for it, before or after its old due time.
     */
    @Test
    void clusterAutoscalerForgetsANodeSetAsideThatTheCloudTakes() {
        SetAside w = SetAside.afterThirtySeconds();
        assertThat(w.policy().nextScanWanted(w.cluster(), 30_000)).isEqualTo(10 * MIN);
        w.cluster().removeTakenBySpot(w.node(), 35_000);
        assertThat(w.policy().nextScanWanted(w.cluster(), 40_000))
                .as("nothing left to wake for")
                .isEqualTo(Long.MAX_VALUE);
        w.policy().scan(w.cluster(), 10 * MIN);
        assertThat(w.cluster().nodes()).isEmpty();
        assertThat(w.policy().nextScanWanted(w.cluster(), 10 * MIN)).isEqualTo(Long.MAX_VALUE);
    }

    /** Regression: the old model removed a node 10 minutes after its protected Job ended; the real one rechecks it after 5. */
    @Test
    void clusterAutoscalerLooksAtABlockedNodeAgainOnlyAfterTheRecheckTimeout() {
        SimCluster cluster = new SimCluster(SHAPE, SimCluster.Scoring.LEAST_ALLOCATED, 1, 60_000);
        SimNode node = cluster.launch("i-1", 0, 0);
        cluster.submit(pod(1, 1, MIN, 0, true)); // under the threshold, protected: blocks the node
        cluster.schedule(0);
        ClusterAutoscalerPolicy policy = ca(ClusterAutoscalerPolicy.JobPods.SAFE_TO_EVICT_FALSE);
        run(cluster, policy, 0, 14 * MIN);
        assertThat(cluster.nodes())
                .as("blocked at 0s, not looked at until 5m, then unneeded for 10m")
                .contains(node);
        run(cluster, policy, 14 * MIN + 10_000, 15 * MIN + 10_000);
        assertThat(cluster.nodes()).doesNotContain(node);
    }

    @Test
    void clusterAutoscalerCountsOnlyGpusOnAGpuNode() {
        NodeShape gpuShape = new NodeShape(16_000, 64 * GI, 4, 110, 250, GI / 2, 3);
        SimCluster cluster = new SimCluster(gpuShape, SimCluster.Scoring.LEAST_ALLOCATED, 1, 60_000);
        SimNode node = cluster.launch("i-1", 0, 0);
        cluster.submit(new SimPod(1, 14_000, 60 * GI, 1, MIN, 0, true));
        cluster.schedule(0);
        assertThat(ClusterAutoscalerPolicy.utilization(node, gpuShape)).isEqualTo(0.25);
    }

    @Test
    void onCompletionWaitsForTheJobThenRemovesTheNodeWithoutInterruptingIt() {
        SimCluster cluster = new SimCluster(SHAPE, SimCluster.Scoring.LEAST_ALLOCATED, 1, 60_000);
        SimNode node = cluster.launch("i-1", 0, 0);
        cluster.submit(pod(1, 1, 20 * MIN, 0, false));
        cluster.schedule(0);
        ClusterAutoscalerPolicy policy = ca(ClusterAutoscalerPolicy.JobPods.ON_COMPLETION);
        run(cluster, policy, 0, 19 * MIN);
        assertThat(node.drainTaint).as("unneeded while its Job runs").isEqualTo(SimNode.Taint.PREFER_NO_SCHEDULE);
        assertThat(cluster.nodes()).contains(node);
        run(cluster, policy, 19 * MIN + 10_000, 20 * MIN + 10_000);
        assertThat(cluster.nodes()).doesNotContain(node);
        assertThat(cluster.jobsInterrupted).isZero();
    }

    /** Regression: the old unsafe model started its clock on utilisation alone and removed the node at once. */
    @Test
    void unsafeClusterAutoscalerDrainsOnlyMovablePodsAndDeletesAfterTheGracePeriod() {
        SimCluster cluster = new SimCluster(SHAPE, SimCluster.Scoring.LEAST_ALLOCATED, 1, 60_000);
        SimNode only = cluster.launch("i-1", 0, 0);
        cluster.submit(pod(1, 1, 3 * 3_600_000L, 0, false));
        cluster.schedule(0);
        ClusterAutoscalerPolicy policy = ca(ClusterAutoscalerPolicy.JobPods.EVICTABLE);
        run(cluster, policy, 0, 12 * MIN);
        assertThat(cluster.nodes())
                .as("its pod fits nowhere else: not unneeded")
                .contains(only);
        assertThat(cluster.jobsInterrupted).isZero();

        SimNode other = cluster.launch("i-2", 12 * MIN, 12 * MIN);
        cluster.submit(pod(2, 10, 3 * 3_600_000L, 12 * MIN, false)); // keeps the other node needed, leaves room
        cluster.schedule(12 * MIN);
        assertThat(other.pods).hasSize(1);
        run(cluster, policy, 12 * MIN + 10_000, 24 * MIN);
        assertThat(cluster.jobsInterrupted)
                .as("rechecked at 15m, unneeded from then on, due at 25m")
                .isZero();
        long drainedBy = -1;
        for (long t = 24 * MIN + 10_000; t <= 40 * MIN && drainedBy < 0; t += 10_000) {
            run(cluster, policy, t, t);
            if (cluster.jobsInterrupted > 0) {
                drainedBy = t;
            }
        }
        assertThat(drainedBy).isEqualTo(25 * MIN);
        SimNode drained = cluster.nodes().stream()
                .filter(n -> n.drainTaint == SimNode.Taint.NO_SCHEDULE)
                .findFirst()
                .orElseThrow();
        assertThat(drained.pods).isEmpty();
        run(cluster, policy, drainedBy + 10_000, drainedBy + 20_000);
        assertThat(cluster.nodes()).as("still there during the grace period").contains(drained);
        run(cluster, policy, drainedBy + 30_000, drainedBy + 30_000);
        assertThat(cluster.nodes()).doesNotContain(drained).hasSize(1);
        assertThat(other.pods).as("the evicted Job restarted on the other node").hasSize(2);
    }

    @Test
    void karpenterBatchesPodsThatArriveWithinASecondOfEachOtherUpToTenSeconds() {
        SimCluster cluster = new SimCluster(SHAPE, SimCluster.Scoring.LEAST_ALLOCATED, 1, 60_000);
        KarpenterPolicy policy = new KarpenterPolicy(SimCluster.Scoring.LEAST_ALLOCATED, BOOT, 100);
        long launchedAt = -1;
        for (long t = 0; t <= 20_000; t += 500) {
            cluster.runEventsUntil(t);
            if (launchedAt < 0 && !cluster.nodes().isEmpty()) {
                launchedAt = t;
            }
            if (t <= 15_000) {
                cluster.submit(pod(t, 1, 3_600_000, t, true)); // a new pod every 0.5 s keeps the window open
            }
            cluster.schedule(t);
            policy.afterSchedule(cluster, t);
        }
        assertThat(launchedAt).as("the window closes at its 10 s maximum").isEqualTo(10_000);

        SimCluster quiet = new SimCluster(SHAPE, SimCluster.Scoring.LEAST_ALLOCATED, 1, 60_000);
        KarpenterPolicy idle = new KarpenterPolicy(SimCluster.Scoring.LEAST_ALLOCATED, BOOT, 100);
        quiet.submit(pod(1, 1, 3_600_000, 0, true));
        quiet.schedule(0);
        idle.afterSchedule(quiet, 0);
        quiet.runEventsUntil(999);
        assertThat(quiet.nodes()).isEmpty();
        quiet.runEventsUntil(1_000);
        assertThat(quiet.nodes()).as("1 s without a new pod closes the window").hasSize(1);
    }

    @Test
    void karpenterRemovesAnEmptyNodeAfterValidationAndNeverANodeWithAJob() {
        SimCluster cluster = new SimCluster(SHAPE, SimCluster.Scoring.LEAST_ALLOCATED, 1, 60_000);
        cluster.launch("i-1", 0, 0);
        cluster.launch("i-2", 0, 0);
        SimPod a = pod(1, 8, 100_000, 0, true);
        SimPod b = pod(2, 8, 3_600_000, 0, true);
        cluster.submit(a);
        cluster.submit(b);
        cluster.schedule(0);
        assertThat(a.node).isNotSameAs(b.node);
        KarpenterPolicy policy = new KarpenterPolicy(SimCluster.Scoring.LEAST_ALLOCATED, BOOT, 100);
        run(cluster, policy, 10_000, 110_000);
        assertThat(cluster.nodes())
                .as("empty and chosen at 100 s, validated 15 s later")
                .hasSize(2);
        run(cluster, policy, 120_000, 120_000);
        assertThat(cluster.nodes()).containsExactly(b.node);
        run(cluster, policy, 140_000, 3_500_000);
        assertThat(cluster.nodes()).containsExactly(b.node);
    }

    @Test
    void clairvoyantBreaksATieBetweenNodesByNodeOrderWhateverOrderItMeetsThemIn() {
        // Guards against: the first node met winning a tie, when the nodes with room are met bucket by bucket (the
        // buckets' order follows the loads' history, not the nodes'): the walk's choice was the first in node order.
        for (boolean olderBoundFirst : new boolean[] {true, false}) {
            SimCluster cluster = new SimCluster(SHAPE, SimCluster.Scoring.LEAST_ALLOCATED, 1, 60_000);
            SimNode older = cluster.launch(null, 0, 0);
            SimNode newer = cluster.launch(null, 0, 0);
            cluster.runEventsUntil(0);
            SimPod onOlder = pod(1, 6, 60 * MIN, 0, true); // the same end, different loads: two buckets
            SimPod onNewer = pod(2, 2, 60 * MIN, 0, true);
            if (olderBoundFirst) {
                cluster.bind(onOlder, older, 0);
                cluster.bind(onNewer, newer, 0);
            } else {
                cluster.bind(onNewer, newer, 0);
                cluster.bind(onOlder, older, 0);
            }
            SimPod tied = pod(3, 1, 60 * MIN, 0, true); // ends with both: no added time, no gap, on either
            cluster.submit(tied);
            new ClairvoyantPolicy(BOOT, 100).place(cluster, 0);
            assertThat(tied.node).as("older bound first: %s", olderBoundFirst).isSameAs(older);
        }
    }

    @Test
    void clairvoyantAtTheNodeCapDoesNotCountAPodThatFitsADearNodeAsFittingNowhere() {
        // Guards against: a pod that fits a node, but would cost less on a new node of a cheaper type, taken for one
        // that fits no node; at the cap, the pods at least as large after it would then not even be tried.
        NodeType cheap = new NodeType("cheap", SHAPE, 1.0, Integer.MAX_VALUE);
        NodeType dear = new NodeType("dear", SHAPE, 10.0, Integer.MAX_VALUE);
        SimCluster cluster = new SimCluster(
                new NodeTypes(List.of(cheap, dear), LaunchRule.PRIORITIZED),
                SimCluster.Scoring.LEAST_ALLOCATED,
                1,
                60_000);
        SimNode node = cluster.launch(null, 0, 0, dear);
        cluster.runEventsUntil(0);
        cluster.bind(pod(1, 4, 60 * MIN, 0, true), node, 0);
        SimPod longer = pod(2, 4, 120 * MIN, 0, true); // an hour past the node's end, at ten times the price
        SimPod within = pod(3, 4, 30 * MIN, 0, true); // as large, ends before the node does: adds nothing there
        cluster.submit(longer);
        cluster.submit(within);
        new ClairvoyantPolicy(BOOT, 1).place(cluster, 0); // capped at the one node
        assertThat(longer.node).isNull();
        assertThat(within.node).isSameAs(node);
    }

    @Test
    void clairvoyantStillPlacesOnASpotNodeUnderNoticeAsItAlwaysDid() {
        // Guards against: the load buckets' shortcut taken with Spot, where a noticed node is Ready but in no bucket:
        // the reference's figures with Spot would move (it knows the future, not the notices).
        SimCluster cluster = new SimCluster(SHAPE, SimCluster.Scoring.LEAST_ALLOCATED, 1, 60_000);
        cluster.spot(new SpotMarket(1000, 1), 1, (n, at) -> cluster.removeTakenBySpot(n, at)); // notices in seconds
        SimNode aligned = cluster.launch(null, 0, 0);
        SimNode other = cluster.launch(null, 0, 0);
        cluster.runEventsUntil(0);
        cluster.bind(pod(1, 4, 60 * MIN, 0, true), aligned, 0);
        cluster.bind(pod(2, 4, 30 * MIN, 0, true), other, 0);
        cluster.runEventsUntil(MIN); // both noticed, neither taken yet (two minutes after its notice)
        assertThat(aligned.spotNoticed && other.spotNoticed && !aligned.isRemoved())
                .isTrue();
        SimPod next = pod(3, 2, 59 * MIN, MIN, true); // ends with the aligned node's pod
        cluster.submit(next);
        new ClairvoyantPolicy(BOOT, 100).place(cluster, MIN);
        assertThat(next.node).isSameAs(aligned);
    }

    @Test
    void clairvoyantNeverWaitsAlignsEndsAndRemovesANodeTheMomentItEmpties() {
        SimCluster cluster = new SimCluster(SHAPE, SimCluster.Scoring.LEAST_ALLOCATED, 1, 60_000);
        ClairvoyantPolicy policy = new ClairvoyantPolicy(BOOT, 100);
        SimPod longA = pod(1, 7, 60 * MIN, 0, true);
        SimPod shortB = pod(2, 7, 10 * MIN, 0, true);
        cluster.submit(longA);
        cluster.submit(shortB);
        policy.place(cluster, 0);
        assertThat(longA.node)
                .as("a short pod on the long one's node adds no node time")
                .isSameAs(shortB.node);
        assertThat(cluster.nodes()).hasSize(1);
        assertThat(java.util.List.copyOf(cluster.nodes()).get(0).launchedAt())
                .as("billed for the boot before the submit")
                .isEqualTo(-BOOT);

        SimPod c = pod(3, 7, 55 * MIN, 5 * MIN, true);
        cluster.runEventsUntil(5 * MIN);
        cluster.submit(c);
        policy.place(cluster, 5 * MIN);
        assertThat(c.node).as("full node: a new one, paid from 5m − boot").isNotSameAs(longA.node);
        assertThat(cluster.pending()).isEmpty();
        cluster.runEventsUntil(60 * MIN);
        policy.place(cluster, 60 * MIN);
        assertThat(cluster.nodes()).as("both emptied at 60m").isEmpty();
        assertThat(cluster.nodeMillis).isEqualTo((60 * MIN + BOOT) + (55 * MIN + BOOT));
    }

    /** Guards the skip at the node cap: only pods at least as large as one that found no node are left unchecked. */
    @Test
    void clairvoyantAtTheNodeCapStillPlacesSmallerPodsAfterALargerOneFoundNoNode() {
        SimCluster cluster = new SimCluster(SHAPE, SimCluster.Scoring.LEAST_ALLOCATED, 1, 60_000);
        ClairvoyantPolicy policy = new ClairvoyantPolicy(BOOT, 1);
        SimPod first = pod(1, 10, 60 * MIN, 0, true);
        cluster.submit(first);
        policy.place(cluster, 0);
        SimPod big = pod(2, 8, 60 * MIN, MIN, true);
        SimPod bigger = pod(3, 9, 60 * MIN, MIN, true);
        SimPod small = pod(4, 2, 60 * MIN, MIN, true);
        cluster.submit(big);
        cluster.submit(bigger);
        cluster.submit(small);
        policy.place(cluster, MIN);
        assertThat(cluster.nodes()).hasSize(1);
        assertThat(small.node).isSameAs(first.node);
        assertThat(cluster.pending()).containsExactly(big, bigger);
    }
}
