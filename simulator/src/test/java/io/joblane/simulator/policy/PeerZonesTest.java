package io.joblane.simulator.policy;

import static io.joblane.model.Quantity.GI;
import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.simulator.SimulatorInvariantsTest;
import io.joblane.simulator.cluster.NodeShape;
import io.joblane.simulator.cluster.SimCluster;
import io.joblane.simulator.cluster.SimNode;
import io.joblane.simulator.cluster.SimPod;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Jobs pinned to a zone (a zonal volume's node affinity) under the peer models: cluster-autoscaler over one Auto
 * Scaling group per zone with its expander and {@code --balance-similar-node-groups}, Karpenter's NodeClaims with the
 * pod's zone requirement, and the clairvoyant reference. Each test fails when its model ignores the zone.
 */
class PeerZonesTest {
    private static final NodeShape SHAPE = SimulatorInvariantsTest.shape(16, 64);
    private static final long MIN = 60_000;
    private static final long BOOT = 90_000;

    private static SimPod pod(long id, int cpu, String zone, long submitted) {
        SimPod p = new SimPod(id, cpu * 1000L, cpu * 4 * GI, 0, 60 * MIN, submitted, true);
        p.zone = zone;
        return p;
    }

    private static ClusterAutoscalerPolicy zonalCa(ClusterAutoscalerPolicy.JobPods jobPods) {
        return new ClusterAutoscalerPolicy(jobPods, SimCluster.Scoring.LEAST_ALLOCATED, BOOT, 100, SimCluster.ZONES, 1);
    }

    private static List<String> zonesOf(SimCluster cluster) {
        return cluster.nodes().stream().map(n -> n.zone).toList();
    }

    @Test
    void clusterAutoscalerScalesTheGroupOfThePodsZone() {
        // Guards against: a pod pinned to zone-b "helped" by a node bought in another zone (waits for good).
        SimCluster cluster = new SimCluster(SHAPE, SimCluster.Scoring.LEAST_ALLOCATED, 1, 60_000);
        ClusterAutoscalerPolicy policy = zonalCa(ClusterAutoscalerPolicy.JobPods.SAFE_TO_EVICT_FALSE);
        cluster.submit(pod(1, 2, "zone-b", 0));
        policy.scan(cluster, 10_000);
        assertThat(zonesOf(cluster)).containsExactly("zone-b");

        // A booting zone-b node has room, but not for a pod pinned to zone-c: the zone-c group is raised.
        cluster.submit(pod(2, 2, "zone-c", 10_000));
        policy.scan(cluster, 20_000);
        assertThat(zonesOf(cluster)).containsExactly("zone-b", "zone-c");
    }

    @Test
    void clusterAutoscalerDeletesANodeDueInACooldownWhenTheCooldownEnds() {
        // Guards against: an unneeded node set aside (not looked at) past its due time in a scale-up's cooldown and
        // then forgotten, or deleted in the cooldown. The zone-b pod cannot use the zone-a node, so zone-b scales up.
        SimCluster cluster = new SimCluster(SHAPE, SimCluster.Scoring.LEAST_ALLOCATED, 1, 60_000);
        SimNode idle = cluster.launch(null, 0, 0, cluster.types.first(), "zone-a");
        ClusterAutoscalerPolicy policy = zonalCa(ClusterAutoscalerPolicy.JobPods.SAFE_TO_EVICT_FALSE);
        policy.scansEvery(10_000);
        policy.start(cluster, 0);
        for (long t = 0; t <= 15 * MIN + 10_000; t += 10_000) {
            if (t == 5 * MIN) {
                cluster.submit(pod(1, 2, "zone-b", t)); // a scale-up at 5m10s: no deletion until 15m10s
            }
            cluster.runEventsUntil(t);
            cluster.schedule(t);
            policy.scan(cluster, t);
            cluster.runEventsUntil(t);
            cluster.schedule(t);
            assertThat(idle.isRemoved())
                    .as("at %d s: unneeded since 0, due at 10m, deleted when the cooldown ends", t / 1000)
                    .isEqualTo(t >= 15 * MIN + 10_000);
        }
        assertThat(zonesOf(cluster)).containsExactly("zone-b");
    }

    @Test
    void aClusterAutoscalerScanThatDrawsATieBreakAtTheNodeCapIsNotQuiet() {
        // Guards against: skipping the scans in which the expander draws (at the cap it draws and launches nothing),
        // which would move every later draw and the figures of zonal runs.
        SimCluster cluster = new SimCluster(SHAPE, SimCluster.Scoring.LEAST_ALLOCATED, 1, 60_000);
        cluster.launch(null, 0, 0, cluster.types.first(), "zone-a");
        cluster.submit(pod(1, 15, "zone-a", 0));
        cluster.schedule(0);
        cluster.submit(pod(2, 15, null, 0)); // every zone's group helps it alike: a tie
        ClusterAutoscalerPolicy policy = new ClusterAutoscalerPolicy(
                ClusterAutoscalerPolicy.JobPods.SAFE_TO_EVICT_FALSE,
                SimCluster.Scoring.LEAST_ALLOCATED,
                BOOT,
                1,
                SimCluster.ZONES,
                1);

        assertThat(policy.scan(cluster, 10_000)).as("drew a tie-break").isTrue();
        assertThat(cluster.nodes()).hasSize(1);
    }

    @Test
    void clusterAutoscalerBalancesUnpinnedPodsOverTheSimilarZonalGroups() {
        // Guards against: every new node in the group the expander picked, or in the zones in turn.
        SimCluster cluster = new SimCluster(SHAPE, SimCluster.Scoring.LEAST_ALLOCATED, 1, 60_000);
        for (int i = 0; i < 2; i++) {
            SimNode full = cluster.launch(null, 0, 0, cluster.types.first(), "zone-a");
            cluster.submit(pod(100 + i, 15, "zone-a", 0));
            cluster.schedule(0);
            assertThat(full.pods).hasSize(1);
        }
        ClusterAutoscalerPolicy policy = zonalCa(ClusterAutoscalerPolicy.JobPods.SAFE_TO_EVICT_FALSE);
        for (int i = 0; i < 3; i++) {
            cluster.submit(pod(i, 12, null, 0));
        }
        policy.scan(cluster, 10_000);
        assertThat(zonesOf(cluster).subList(2, 5))
                .as("zone-a has two nodes: the smaller groups first, then the first of the tied")
                .containsExactly("zone-b", "zone-b", "zone-c");
        assertThat(policy.scaleActions()).as("one IncreaseSize per group").isEqualTo(2);
    }

    @Test
    void clusterAutoscalerWithOneGroupOverEveryZoneIgnoresZonesAsBefore() {
        // The model without pins: one multi-zone group, its new nodes in the zones in turn (the golden figures' case).
        SimCluster cluster = new SimCluster(SHAPE, SimCluster.Scoring.LEAST_ALLOCATED, 1, 60_000);
        ClusterAutoscalerPolicy policy = new ClusterAutoscalerPolicy(
                ClusterAutoscalerPolicy.JobPods.SAFE_TO_EVICT_FALSE, SimCluster.Scoring.LEAST_ALLOCATED, BOOT, 100);
        for (int i = 0; i < 4; i++) {
            cluster.submit(pod(i, 12, null, 0));
        }
        policy.scan(cluster, 10_000);
        assertThat(zonesOf(cluster)).containsExactly("zone-a", "zone-b", "zone-c", "zone-a");
        assertThat(policy.scaleActions()).isEqualTo(1);
    }

    @Test
    void clusterAutoscalersDrainSimulationMovesAPinnedPodOnlyWithinItsZone() {
        // Guards against: the unsafe model evicting a zonal Job towards room in another zone it can never use.
        SimCluster cluster = new SimCluster(SHAPE, SimCluster.Scoring.LEAST_ALLOCATED, 1, 60_000);
        SimNode a = cluster.launch("i-a", 0, 0);
        SimNode b = cluster.launch("i-b", 0, 0);
        assertThat(List.of(a.zone, b.zone)).containsExactly("zone-a", "zone-b");
        SimPod pinned = pod(1, 2, "zone-a", 0);
        SimPod filler = pod(2, 10, "zone-b", 0);
        cluster.submit(pinned);
        cluster.submit(filler);
        cluster.schedule(0);
        assertThat(pinned.node).isSameAs(a);
        ClusterAutoscalerPolicy policy = zonalCa(ClusterAutoscalerPolicy.JobPods.EVICTABLE);
        for (long t = 10_000; t <= 30 * MIN; t += 10_000) {
            cluster.runEventsUntil(t);
            policy.scan(cluster, t);
            cluster.schedule(t);
        }
        assertThat(pinned.node)
                .as("b has room, but in zone-b: a is not unneeded")
                .isSameAs(a);
        assertThat(cluster.jobsInterrupted).isZero();
    }

    @Test
    void karpenterLaunchesEachNodeClaimInTheZoneOfItsPinnedPods() {
        // Guards against: a NodeClaim for a zonal pod launched in another zone, or two zones' pods on one NodeClaim.
        SimCluster cluster = new SimCluster(SHAPE, SimCluster.Scoring.LEAST_ALLOCATED, 1, 60_000);
        KarpenterPolicy policy = new KarpenterPolicy(SimCluster.Scoring.LEAST_ALLOCATED, BOOT, 100);
        cluster.submit(pod(1, 2, "zone-c", 0));
        cluster.submit(pod(2, 2, "zone-b", 0));
        cluster.submit(pod(3, 2, null, 0));
        cluster.schedule(0);
        policy.afterSchedule(cluster, 0);
        cluster.runEventsUntil(1_000);
        assertThat(zonesOf(cluster))
                .as("6 cpu fit one node, but two zones need two; the unpinned pod joins one of them")
                .containsExactlyInAnyOrder("zone-b", "zone-c");

        // A NodeClaim in flight in zone-b does not take a pod pinned to zone-a.
        cluster.submit(pod(4, 2, "zone-a", 2_000));
        cluster.schedule(2_000);
        policy.afterSchedule(cluster, 2_000);
        cluster.runEventsUntil(3_000);
        assertThat(zonesOf(cluster)).containsExactlyInAnyOrder("zone-a", "zone-b", "zone-c");
    }

    @Test
    void clairvoyantPlacesAPinnedPodOnlyInItsZoneAndLaunchesThere() {
        // Guards against: the reference packing a zonal Job onto a node of another zone.
        SimCluster cluster = new SimCluster(SHAPE, SimCluster.Scoring.LEAST_ALLOCATED, 1, 60_000);
        ClairvoyantPolicy policy = new ClairvoyantPolicy(BOOT, 100);
        SimPod first = pod(1, 2, "zone-a", 0);
        cluster.submit(first);
        policy.place(cluster, 0);
        assertThat(first.node.zone).isEqualTo("zone-a");
        SimPod other = pod(2, 2, "zone-c", 0);
        SimPod free = pod(3, 2, null, 0);
        cluster.submit(other);
        cluster.submit(free);
        policy.place(cluster, 0);
        assertThat(other.node).as("the zone-a node has room, but not in zone-c").isNotSameAs(first.node);
        assertThat(other.node.zone).isEqualTo("zone-c");
        assertThat(free.node).as("an unpinned pod shares a node").isIn(first.node, other.node);
        assertThat(cluster.nodes()).hasSize(2);
    }
}
