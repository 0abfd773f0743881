package io.joblane.scaler.plan;

import static io.joblane.scaler.plan.Fixtures.GI;
import static io.joblane.scaler.plan.Fixtures.T0;
import static io.joblane.scaler.plan.Fixtures.asgSet;
import static io.joblane.scaler.plan.Fixtures.cpuMem;
import static io.joblane.scaler.plan.Fixtures.index;
import static io.joblane.scaler.plan.Fixtures.instance;
import static io.joblane.scaler.plan.Fixtures.pending;
import static io.joblane.scaler.plan.Fixtures.spec;
import static io.joblane.scaler.plan.Fixtures.withConstraints;
import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.model.WellKnown;
import io.joblane.scaler.cloud.CloudGroup;
import io.joblane.scaler.cloud.CloudInstance;
import io.joblane.scaler.cloud.LifecycleState;
import io.joblane.scaler.cloud.NodeTemplate;
import io.joblane.scaler.plan.Fixtures.Member;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A node group over several Auto Scaling groups whose node templates differ (instance types, capacity type, labels):
 * new nodes go to the members whose template suits the waiting pods, balanced only among similar ones; a pod no
 * member can take is reported naming each member and the rule.
 */
class PlannerAsgAffinityTest {
    private static final String G = "batch";
    private static final String CAPACITY = WellKnown.EKS_CAPACITY_TYPE_LABEL;
    private static final String TYPE = WellKnown.INSTANCE_TYPE_LABEL;
    private static final NodeTemplate.Shape LARGE =
            new NodeTemplate.Shape("m5.large", Map.of("cpu", 2000L, "memory", 8 * GI, "pods", 29_000L));
    private static final NodeTemplate.Shape XLARGE2 =
            new NodeTemplate.Shape("m5.2xlarge", Map.of("cpu", 8000L, "memory", 32 * GI, "pods", 58_000L));

    private static NodeTemplate template(NodeTemplate.Shape shape, Map<String, String> labels) {
        return new NodeTemplate(List.of(shape), labels, List.of());
    }

    private static final NodeTemplate ON_DEMAND = template(LARGE, Map.of(CAPACITY, "ON_DEMAND"));
    private static final NodeTemplate SPOT = template(LARGE, Map.of(CAPACITY, "SPOT"));

    /** One member: its sizes, zone, template and instances (InService, protected). */
    private record M(String id, int desired, int max, String zone, NodeTemplate template, List<CloudInstance> inst) {
        M(String id, int desired, int max, String zone, NodeTemplate template) {
            this(id, desired, max, zone, template, List.of());
        }
    }

    private static CloudGroup set(M... members) {
        return asgSet(
                G,
                Arrays.stream(members)
                        .map(m -> new Member(m.id(), m.desired(), m.max(), m.zone(), m.template(), m.inst()))
                        .toList());
    }

    private static PodInfo selecting(String name, Map<String, String> selector) {
        return withConstraints(pending(name, G, cpuMem(1000, GI)), PodConstraints.of(selector, null, null, null));
    }

    private static GroupPlan plan(CloudGroup cloud, PodInfo... pods) {
        return Planner.plan(spec(G, 0, 100, Resources.ZERO), index(List.of(), List.of(pods)), cloud, T0);
    }

    private static PlanAction.ScaleUp scaleUp(GroupPlan plan) {
        assertThat(plan.actionsOf(PlanAction.ScaleUp.class)).hasSize(1);
        return plan.actionsOf(PlanAction.ScaleUp.class).get(0);
    }

    @Test
    void aSpotOnlyPodRaisesTheSpotGroupNotTheFirstListed() {
        // Guards against: planning with the first ASG's template, so a pod selecting Spot "fits nothing" and waits.
        GroupPlan plan = plan(
                set(new M("od-a", 0, 10, "zone-a", ON_DEMAND), new M("spot-a", 0, 10, "zone-a", SPOT)),
                selecting("p", Map.of(CAPACITY, "SPOT")));

        assertThat(plan.neverFit()).isZero();
        PlanAction.ScaleUp up = scaleUp(plan);
        assertThat(up.asgs()).containsExactly(Map.entry("spot-a", 1));
        assertThat(up.to()).isEqualTo(1);
        assertThat(up.reason()).contains("raise Auto Scaling group(s) spot-a 0 -> 1");
    }

    @Test
    void anInstanceTypeAffinityRaisesTheGroupOfThatTypeAndOtherPodsTheFirstListed() {
        NodeTemplate big = template(XLARGE2, Map.of());
        GroupPlan plan = plan(
                set(new M("small", 0, 10, "zone-a", template(LARGE, Map.of())), new M("big", 0, 10, "zone-a", big)),
                selecting("wants-big", Map.of(TYPE, "m5.2xlarge")),
                pending("any", G, cpuMem(1500, GI)));

        PlanAction.ScaleUp up = scaleUp(plan);
        // The big node opened for the affine pod also takes the other (first fit), so only "big" is raised.
        assertThat(up.asgs()).containsExactly(Map.entry("big", 1));
        assertThat(plan.neverFit()).isZero();
    }

    @Test
    void aPodFittingOnlyTheLargerGroupsTypeIsScaledForThere() {
        // Guards against: a 6-cpu pod reported as exceeding "an empty node" because the first ASG is m5.large.
        GroupPlan plan = plan(
                set(
                        new M("small", 0, 10, "zone-a", template(LARGE, Map.of())),
                        new M("big", 0, 10, "zone-a", template(XLARGE2, Map.of()))),
                pending("wide", G, cpuMem(6000, GI)));

        assertThat(plan.neverFit()).isZero();
        assertThat(scaleUp(plan).asgs()).containsExactly(Map.entry("big", 1));
    }

    @Test
    void balancingStaysAmongTheGroupsThatCanTakeThePods() {
        // Two Spot groups (zones a, b) and one on-demand: four Spot pods of one cpu each, two a node.
        GroupPlan plan = plan(
                set(
                        new M("od-a", 0, 10, "zone-a", ON_DEMAND),
                        new M("spot-a", 0, 10, "zone-a", SPOT),
                        new M("spot-b", 0, 10, "zone-b", SPOT)),
                selecting("s1", Map.of(CAPACITY, "SPOT")),
                selecting("s2", Map.of(CAPACITY, "SPOT")),
                selecting("s3", Map.of(CAPACITY, "SPOT")),
                selecting("s4", Map.of(CAPACITY, "SPOT")));

        assertThat(scaleUp(plan).asgs()).containsExactly(Map.entry("spot-a", 1), Map.entry("spot-b", 1));
    }

    @Test
    void aPodNoMemberCanTakeIsReportedNamingEachGroupAndTheRule() {
        GroupPlan plan = plan(
                set(new M("od-a", 0, 10, "zone-a", ON_DEMAND), new M("od-b", 0, 10, "zone-b", ON_DEMAND)),
                selecting("p", Map.of(CAPACITY, "SPOT")));

        assertThat(plan.actionsOf(PlanAction.ScaleUp.class)).isEmpty();
        assertThat(plan.actionsOf(PlanAction.PodNeverFits.class))
                .singleElement()
                .satisfies(u -> {
                    assertThat(u.why()).isEqualTo(PlanAction.NeverFitReason.CONSTRAINTS);
                    assertThat(u.reason()).contains("nodeSelector " + CAPACITY + "=SPOT");
                });
    }

    @Test
    void aPodNoDifferentMemberCanTakeNamesEveryMember() {
        GroupPlan plan = plan(
                set(
                        new M("od-a", 0, 10, "zone-a", ON_DEMAND),
                        new M("big", 0, 10, "zone-a", template(XLARGE2, Map.of(CAPACITY, "ON_DEMAND")))),
                selecting("p", Map.of(CAPACITY, "SPOT")));

        assertThat(plan.actionsOf(PlanAction.PodNeverFits.class))
                .singleElement()
                .satisfies(u -> assertThat(u.reason())
                        .contains("Auto Scaling group(s) od-a (m5.large): nodeSelector " + CAPACITY + "=SPOT")
                        .contains("Auto Scaling group(s) big (m5.2xlarge): nodeSelector " + CAPACITY + "=SPOT"));
    }

    @Test
    void anInstanceOnItsWayInTheSpotGroupTakesTheSpotPodSoNothingIsBoughtTwice() {
        // Guards against: capacity on its way planned with the group's labels, so every scan buys another Spot node.
        CloudInstance booting = instance("i-spot", LifecycleState.PENDING, T0.minusSeconds(30), true);
        booting = new CloudInstance(booting.id(), "zone-a", booting.state(), true, true, booting.launchTime());
        GroupPlan plan = plan(
                set(
                        new M("od-a", 0, 10, "zone-a", ON_DEMAND),
                        new M("spot-a", 1, 10, "zone-a", SPOT, List.of(booting))),
                selecting("p", Map.of(CAPACITY, "SPOT")));

        assertThat(plan.actionsOf(PlanAction.ScaleUp.class)).isEmpty();
        assertThat(plan.podsOnIncoming()).isEqualTo(1);
    }

    @Test
    void anOnDemandInstanceOnItsWayDoesNotTakeASpotPod() {
        CloudInstance booting = instance("i-od", LifecycleState.PENDING, T0.minusSeconds(30), true);
        booting = new CloudInstance(booting.id(), "zone-a", booting.state(), true, true, booting.launchTime());
        GroupPlan plan = plan(
                set(
                        new M("od-a", 1, 10, "zone-a", ON_DEMAND, List.of(booting)),
                        new M("spot-a", 0, 10, "zone-a", SPOT)),
                selecting("p", Map.of(CAPACITY, "SPOT")));

        assertThat(scaleUp(plan).asgs()).containsExactly(Map.entry("spot-a", 1));
    }

    @Test
    void aFullSpotGroupLeavesTheSpotPodWaitingAtMaxNeverBuysOnDemand() {
        GroupPlan plan = plan(
                set(new M("od-a", 0, 10, "zone-a", ON_DEMAND), new M("spot-a", 0, 0, "zone-a", SPOT)),
                selecting("p", Map.of(CAPACITY, "SPOT")));

        assertThat(plan.actionsOf(PlanAction.ScaleUp.class)).isEmpty();
        assertThat(plan.actionsOf(PlanAction.PodsWaiting.class))
                .singleElement()
                .satisfies(w -> assertThat(w.why()).isEqualTo(PlanAction.WaitReason.AT_MAX));
    }

    @Test
    void unconstrainedPodsGoToTheFirstListedGroupWithRoom() {
        GroupPlan plan = plan(
                set(new M("spot-a", 2, 2, "zone-a", SPOT), new M("od-a", 0, 10, "zone-a", ON_DEMAND)),
                pending("any", G, cpuMem(1500, GI)));

        // spot-a's two nodes on their way are full? No: they take it. Make them busy by asking for more pods.
        assertThat(plan.actionsOf(PlanAction.ScaleUp.class)).isEmpty();
        GroupPlan more = plan(
                set(new M("spot-a", 0, 1, "zone-a", SPOT), new M("od-a", 0, 10, "zone-a", ON_DEMAND)),
                pending("x1", G, cpuMem(1500, GI)),
                pending("x2", G, cpuMem(1500, GI)));
        assertThat(scaleUp(more).asgs()).containsExactly(Map.entry("spot-a", 1), Map.entry("od-a", 1));
    }

    @Test
    void similarGroupsInEveryZoneStayOneClassAndAreBalancedAsBefore() {
        NodeTemplate a = template(LARGE, Map.of(WellKnown.ZONE_LABEL, "zone-a"));
        NodeTemplate b = template(LARGE, Map.of(WellKnown.ZONE_LABEL, "zone-b"));
        List<PodInfo> pods = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            pods.add(pending("p" + i, G, cpuMem(1000, GI)));
        }
        GroupPlan plan =
                plan(set(new M("a", 0, 10, "zone-a", a), new M("b", 0, 10, "zone-b", b)), pods.toArray(PodInfo[]::new));

        assertThat(scaleUp(plan).asgs()).containsExactly(Map.entry("a", 2), Map.entry("b", 2));
    }

    @Test
    void aOneTypeGroupTakesAPodThatSelectsItsInstanceType() {
        // Guards against: new nodes planned without node.kubernetes.io/instance-type, which every node carries.
        CloudGroup one = new CloudGroup("asg", 0, 0, 10, List.of(), List.of(), false, template(LARGE, Map.of()));
        GroupPlan plan = Planner.plan(
                spec(G, 0, 10, Resources.ZERO),
                index(List.of(), List.of(selecting("p", Map.of(TYPE, "m5.large")))),
                one,
                T0);

        assertThat(plan.neverFit()).isZero();
        assertThat(scaleUp(plan).to()).isEqualTo(1);
        assertThat(scaleUp(plan).asgs()).isEmpty();
    }

    @Test
    void aPodIsScaledForOnlyInAGroupWhoseEveryTypeTakesIt() {
        // Guards against: the pass planning the mixed group as its wide type (the pass needing the most nodes) buys a
        // node there for the 6-cpu pod, which the group may launch as m5.large, where it never fits.
        NodeTemplate.Shape wideLowMemory =
                new NodeTemplate.Shape("c5.2xlarge", Map.of("cpu", 8000L, "memory", 4 * GI, "pods", 58_000L));
        NodeTemplate mixed = new NodeTemplate(List.of(LARGE, wideLowMemory), Map.of(), List.of());
        NodeTemplate big = template(XLARGE2, Map.of(CAPACITY, "SPOT"));
        List<PodInfo> pods = new ArrayList<>(List.of(pending("wide", G, cpuMem(6000, GI))));
        for (int i = 0; i < 4; i++) {
            pods.add(pending("mem" + i, G, cpuMem(100, 3 * GI)));
        }
        GroupPlan plan = plan(
                set(new M("mixed", 0, 10, "zone-a", mixed), new M("big", 0, 10, "zone-a", big)),
                pods.toArray(PodInfo[]::new));

        assertThat(plan.neverFit()).isZero();
        assertThat(scaleUp(plan).asgs()).containsExactly(Map.entry("big", 1));
    }
}
