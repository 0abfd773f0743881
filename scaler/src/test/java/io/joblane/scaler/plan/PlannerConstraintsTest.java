package io.joblane.scaler.plan;

import static io.joblane.scaler.plan.Fixtures.GI;
import static io.joblane.scaler.plan.Fixtures.T0;
import static io.joblane.scaler.plan.Fixtures.cpuMem;
import static io.joblane.scaler.plan.Fixtures.index;
import static io.joblane.scaler.plan.Fixtures.instance;
import static io.joblane.scaler.plan.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.scaler.cloud.CloudGroup;
import io.joblane.scaler.cloud.CloudInstance;
import io.joblane.scaler.cloud.LifecycleState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The planner with pods whose node selector, node affinity, volume zone, anti-affinity or spread limit the nodes. */
class PlannerConstraintsTest {
    private static final String G = "batch";
    private static final String ZONE = "topology.kubernetes.io/zone";
    private static final PodSelector APP_X = PodSelector.labels(Map.of("app", "x"));

    private static NodeInfo node(String name, String zone) {
        NodeInfo n = Fixtures.node(name, G);
        return new NodeInfo(
                n.name(),
                n.group(),
                n.instanceId(),
                n.allocatable(),
                true,
                n.created(),
                false,
                false,
                DrainState.NONE,
                false,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                Map.of(ZONE, zone),
                List.of());
    }

    private static PodInfo pod(String name, String nodeName, PodConstraints c) {
        return new PodInfo(
                "uid-" + name,
                "default",
                name,
                G,
                cpuMem(1000, GI),
                nodeName == null ? PodPhase.PENDING_UNSCHEDULABLE : PodPhase.RUNNING,
                true,
                false,
                false,
                nodeName,
                T0.minusSeconds(60),
                nodeName == null ? null : T0.minusSeconds(30),
                null,
                Map.of("app", "x"),
                c);
    }

    private static PodConstraints volumeIn(String zone) {
        return PodConstraints.of(
                null,
                List.of(new PodConstraints.NodeTerms(
                        "volume data (PersistentVolume pv-1)", List.of(List.of(LabelRequirement.in(ZONE, zone))))),
                null,
                null);
    }

    private static CloudGroup cloud(List<NodeInfo> nodes, List<String> zones) {
        List<CloudInstance> inst = new ArrayList<>();
        for (NodeInfo n : nodes) {
            CloudInstance i = instance(n.instanceId(), LifecycleState.IN_SERVICE, n.created(), true);
            inst.add(new CloudInstance(i.id(), n.labels().get(ZONE), i.state(), true, true, i.launchTime()));
        }
        return new CloudGroup("asg", inst.size(), 0, 10, inst, List.of(), false, null, false, zones);
    }

    private static GroupPlan plan(List<NodeInfo> nodes, List<PodInfo> pods, List<String> zones) {
        return Planner.plan(spec(G), index(nodes, pods), cloud(nodes, zones), T0);
    }

    @Test
    void aPodWhoseVolumeIsInAZoneTheGroupLacksIsReportedNotLeftWaiting() {
        // Guards against: a pod bound to a zone-b volume "fits" a free zone-a node, so no one ever acts on it.
        NodeInfo a = node("n1", "zone-a");
        GroupPlan plan = plan(List.of(a), List.of(pod("p", null, volumeIn("zone-b"))), List.of("zone-a"));

        assertThat(plan.actionsOf(PlanAction.ScaleUp.class)).isEmpty();
        assertThat(plan.actionsOf(PlanAction.PodNeverFits.class))
                .singleElement()
                .satisfies(u -> {
                    assertThat(u.why()).isEqualTo(PlanAction.NeverFitReason.CONSTRAINTS);
                    assertThat(u.reason()).contains("PersistentVolume pv-1").contains("zone(s) [zone-a]");
                });
        assertThat(plan.neverFit()).isEqualTo(1);
    }

    @Test
    void aPodWhoseVolumeIsInAnotherZoneOfTheGroupScalesUpNamingTheZone() {
        NodeInfo a = node("n1", "zone-a");
        GroupPlan plan = plan(List.of(a), List.of(pod("p", null, volumeIn("zone-b"))), List.of("zone-a", "zone-b"));

        assertThat(plan.actionsOf(PlanAction.ScaleUp.class)).singleElement().satisfies(up -> {
            assertThat(up.to()).isEqualTo(2);
            assertThat(up.reason()).contains("{zone-b=1}").contains("balances zones");
        });
        assertThat(plan.actionsOf(PlanAction.PodNeverFits.class)).isEmpty();
    }

    @Test
    void aPodWhoseVolumeIsInTheZoneOfAFreeNodeGoesThere() {
        NodeInfo a = node("n1", "zone-a");
        NodeInfo b = node("n2", "zone-b");
        GroupPlan plan = plan(List.of(a, b), List.of(pod("p", null, volumeIn("zone-b"))), List.of("zone-a", "zone-b"));

        assertThat(plan.actionsOf(PlanAction.ScaleUp.class)).isEmpty();
        assertThat(plan.podsOnIncoming()).isEqualTo(1); // onExisting: placed on n2
    }

    @Test
    void hostnameAntiAffinityNeedsANodePerPod() {
        // Guards against: three pods that refuse to share a node counted as fitting one free node.
        NodeInfo a = node("n1", "zone-a");
        PodConstraints apart = PodConstraints.of(
                null, null, List.of(new PodConstraints.TopologyTerm("kubernetes.io/hostname", APP_X)), null);
        List<PodInfo> pods = List.of(pod("p1", null, apart), pod("p2", null, apart), pod("p3", null, apart));
        GroupPlan plan = plan(List.of(a), pods, List.of("zone-a"));

        assertThat(plan.actionsOf(PlanAction.ScaleUp.class))
                .singleElement()
                .satisfies(up -> assertThat(up.to()).isEqualTo(3));
    }

    @Test
    void aRunningPodsHostnameAntiAffinityKeepsAnUnconstrainedPodItSelectsOffItsNode() {
        // Guards against: a pod counted as fitting a node whose running pod's anti-affinity forbids it (kube-scheduler
        // checks existing pods' terms against the incoming pod), so no node is bought and it waits forever.
        NodeInfo a = node("n1", "zone-a");
        PodConstraints apart = PodConstraints.of(
                null, null, List.of(new PodConstraints.TopologyTerm("kubernetes.io/hostname", APP_X)), null);
        GroupPlan plan = plan(
                List.of(a), List.of(pod("guard", "n1", apart), pod("p", null, PodConstraints.NONE)), List.of("zone-a"));

        assertThat(plan.actionsOf(PlanAction.ScaleUp.class))
                .singleElement()
                .satisfies(up -> assertThat(up.to()).isEqualTo(2));
        assertThat(plan.neverFit()).isZero();
    }

    @Test
    void aRunningPodsZoneAntiAffinityKeepsThePodItSelectsOutOfItsZone() {
        NodeInfo a = node("n1", "zone-a");
        NodeInfo b = node("n2", "zone-a");
        PodConstraints apart =
                PodConstraints.of(null, null, List.of(new PodConstraints.TopologyTerm(ZONE, APP_X)), null);
        GroupPlan plan = plan(
                List.of(a, b),
                List.of(pod("guard", "n1", apart), pod("p", null, PodConstraints.NONE)),
                List.of("zone-a", "zone-b"));

        assertThat(plan.actionsOf(PlanAction.ScaleUp.class))
                .singleElement()
                .satisfies(up -> assertThat(up.reason()).contains("{zone-b=1}"));
    }

    @Test
    void anAntiAffinityThatSelectsOtherPodsOrAnotherNamespaceLeavesThePodFree() {
        NodeInfo a = node("n1", "zone-a");
        PodConstraints apartFromY = PodConstraints.of(
                null,
                null,
                List.of(new PodConstraints.TopologyTerm(
                        "kubernetes.io/hostname", PodSelector.labels(Map.of("app", "y")))),
                null);
        PodInfo guard = pod("guard", "n1", apartFromY);
        PodConstraints apart = PodConstraints.of(
                null, null, List.of(new PodConstraints.TopologyTerm("kubernetes.io/hostname", APP_X)), null);
        PodInfo elsewhere = pod("other-ns", "n1", apart);
        elsewhere = new PodInfo(
                elsewhere.uid(),
                "team-b",
                elsewhere.name(),
                elsewhere.group(),
                elsewhere.requests(),
                elsewhere.phase(),
                true,
                false,
                false,
                "n1",
                elsewhere.created(),
                elsewhere.started(),
                null,
                elsewhere.labels(),
                apart);
        GroupPlan plan =
                plan(List.of(a), List.of(guard, elsewhere, pod("p", null, PodConstraints.NONE)), List.of("zone-a"));

        assertThat(plan.actionsOf(PlanAction.ScaleUp.class)).isEmpty();
    }

    @Test
    void zoneSpreadOpensANodeInTheEmptierZoneRatherThanUsingTheFreeOne() {
        NodeInfo a = node("n1", "zone-a");
        PodConstraints spread =
                PodConstraints.of(null, null, null, List.of(new PodConstraints.SpreadRule(ZONE, 1, APP_X)));
        NodeInfo bFull = new NodeInfo(
                "n2",
                G,
                "i-n2",
                cpuMem(1000, GI),
                true,
                a.created(),
                false,
                false,
                DrainState.NONE,
                false,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                Map.of(ZONE, "zone-b"),
                List.of());
        List<PodInfo> pods = List.of(
                pod("r1", "n1", PodConstraints.NONE),
                pod("r2", "n2", PodConstraints.NONE),
                pod("r3", "n1", spread),
                pod("p", null, spread));
        // zone-a holds 2 matching pods, zone-b 1 on a full node: p may not go to zone-a (3-1 > 1).
        GroupPlan plan = plan(List.of(a, bFull), pods, List.of("zone-a", "zone-b"));

        assertThat(plan.actionsOf(PlanAction.ScaleUp.class))
                .singleElement()
                .satisfies(up -> assertThat(up.reason()).contains("{zone-b=1}"));
    }

    @Test
    void aNodeSelectorNoNodeOfTheGroupCarriesIsReported() {
        NodeInfo a = node("n1", "zone-a");
        PodInfo p = pod("p", null, PodConstraints.of(Map.of("kubernetes.io/arch", "arm64"), null, null, null));
        GroupPlan plan = plan(List.of(a), List.of(p), List.of("zone-a"));

        assertThat(plan.actionsOf(PlanAction.PodNeverFits.class))
                .singleElement()
                .satisfies(u -> assertThat(u.reason()).contains("nodeSelector kubernetes.io/arch=arm64"));
    }

    @Test
    void aConstrainedPodThatFitsABusyNodeOfItsZoneWaitsForItSilently() {
        NodeInfo b = new NodeInfo(
                "n2",
                G,
                "i-n2",
                cpuMem(1000, GI),
                true,
                T0.minusSeconds(3600),
                false,
                false,
                DrainState.NONE,
                false,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                Map.of(ZONE, "zone-b"),
                List.of());
        List<PodInfo> pods = List.of(pod("r", "n2", PodConstraints.NONE), pod("p", null, volumeIn("zone-b")));
        // New nodes (4 cpu) would fit, but the group has no zone-b: it waits for n2, nothing reported.
        GroupPlan plan = plan(List.of(b), pods, List.of("zone-a"));

        assertThat(plan.actionsOf(PlanAction.ScaleUp.class)).isEmpty();
        assertThat(plan.actionsOf(PlanAction.PodNeverFits.class)).isEmpty();
    }

    @Test
    void unconstrainedPodsStillFillTheRoomConstrainedOnesLeaveOnNewNodes() {
        NodeInfo a = node("n1", "zone-a");
        List<PodInfo> pods = new ArrayList<>();
        pods.add(pod("z", null, volumeIn("zone-b")));
        for (int i = 0; i < 7; i++) {
            pods.add(pod("f" + i, null, PodConstraints.NONE));
        }
        // n1 takes 4, the zone-b node 4 (z and three free ones): one new node, not two.
        GroupPlan plan = plan(List.of(a), pods, List.of("zone-a", "zone-b"));

        assertThat(plan.actionsOf(PlanAction.ScaleUp.class))
                .singleElement()
                .satisfies(up -> assertThat(up.to()).isEqualTo(2));
    }
}
