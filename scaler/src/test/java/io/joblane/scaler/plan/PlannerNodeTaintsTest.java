package io.joblane.scaler.plan;

import static io.joblane.scaler.plan.Fixtures.GI;
import static io.joblane.scaler.plan.Fixtures.T0;
import static io.joblane.scaler.plan.Fixtures.cloudFor;
import static io.joblane.scaler.plan.Fixtures.cpuMem;
import static io.joblane.scaler.plan.Fixtures.index;
import static io.joblane.scaler.plan.Fixtures.pending;
import static io.joblane.scaler.plan.Fixtures.spec;
import static io.joblane.scaler.plan.Fixtures.withConstraints;
import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.model.WellKnown;
import io.joblane.model.config.Taint;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An existing node's own taints against the waiting pods' tolerations, as kube-scheduler's TaintToleration filter
 * decides: a free node whose {@code NoSchedule} or {@code NoExecute} taint a pod does not tolerate is no room for it,
 * so a new node is bought instead of the pod waiting forever beside it.
 */
class PlannerNodeTaintsTest {
    private static final String G = "batch";
    private static final Taint GPU = new Taint("nvidia.com/gpu", "", "NoSchedule");

    private static PodInfo tolerating(String name, Toleration... tolerations) {
        return withConstraints(pending(name, G, cpuMem(1000, GI)), PodConstraints.tolerating(List.of(tolerations)));
    }

    /** One free, empty node of the group carrying {@code taints}, and the pods waiting. */
    private static GroupPlan planWithNodeTainted(List<Taint> taints, PodInfo... pods) {
        NodeInfo n1 = Fixtures.node("n1", G).withTaints(taints);
        return Planner.plan(spec(G), index(List.of(n1), List.of(pods)), cloudFor(List.of(n1), 0, 10), T0);
    }

    private static int newNodes(GroupPlan plan) {
        return plan.actionsOf(PlanAction.ScaleUp.class).stream()
                .mapToInt(u -> u.to() - u.from())
                .sum();
    }

    private static final Taint DEDICATED = new Taint(WellKnown.DEDICATED_TAINT, G, "NoSchedule");

    /** As {@link #planWithNodeTainted}, the group's own taints being {@code own}. */
    private static GroupPlan planWithOwnTaints(List<Taint> own, List<Taint> onNode, PodInfo... pods) {
        GroupSpec spec = Fixtures.withTaints(spec(G), own);
        NodeInfo n1 = Fixtures.node("n1", G).withTaints(onNode);
        return Planner.plan(spec, index(List.of(n1), List.of(pods)), cloudFor(List.of(n1), 0, 10), T0);
    }

    @Test
    void theGroupsDedicatedTaintOnItsNodesKeepsNoPodOff() {
        // As on EKS: every node of the group carries it, and the webhook gives each Job pod its toleration.
        GroupPlan plan = planWithNodeTainted(List.of(DEDICATED), pending("p", G, cpuMem(1000, GI)));

        assertThat(newNodes(plan)).isZero();
    }

    @Test
    void theIndexCountsANodeAsTaintedOnlyForATaintBesideTheDedicatedOne() {
        // Guards against: the dedicated taint counted, so every pass of an EKS group walks its bins for taints again.
        NodeInfo dedicated = Fixtures.node("n1", G).withTaints(List.of(DEDICATED));
        NodeInfo gpu = Fixtures.node("n2", G).withTaints(List.of(DEDICATED, GPU));
        NodeInfo preferring = Fixtures.node("n3", G).withTaints(List.of(new Taint("x", "y", "PreferNoSchedule")));

        assertThat(index(List.of(dedicated, preferring), List.of()).taintsOnNodes(G))
                .isFalse();
        assertThat(index(List.of(dedicated, gpu), List.of()).taintsOnNodes(G)).isTrue();
    }

    @Test
    void besideTheDedicatedTaintAnotherOneStillFilters() {
        // Guards against: the index's count of tainted nodes leaving out a node whose only other taint filters.
        GroupPlan plan = planWithNodeTainted(List.of(DEDICATED, GPU), pending("p", G, cpuMem(1000, GI)));

        assertThat(newNodes(plan)).isEqualTo(1);
    }

    @Test
    void aGroupWhoseOwnTaintsLeaveOutTheDedicatedKeyIsFilteredByIt() {
        // The dedicated taint is the group's own only when its config says so; otherwise it is any other taint.
        Taint team = new Taint("team", "ml", "NoSchedule");
        GroupPlan plan = planWithOwnTaints(List.of(team), List.of(DEDICATED), pending("p", G, cpuMem(1000, GI)));

        assertThat(newNodes(plan)).isEqualTo(1);
        assertThat(planWithOwnTaints(List.of(team), List.of(team), pending("p", G, cpuMem(1000, GI)))
                        .actionsOf(PlanAction.ScaleUp.class))
                .isEmpty();
    }

    @Test
    void aFreeNodeWhoseTaintThePodDoesNotTolerateIsNoRoomForIt() {
        // Guards against: a pending pod counted as fitting a node tainted by an operator, so no node is ever bought.
        GroupPlan plan = planWithNodeTainted(List.of(GPU), pending("p", G, cpuMem(1000, GI)));

        assertThat(newNodes(plan)).isEqualTo(1);
        assertThat(plan.neverFit()).isZero();
    }

    @Test
    void aNoExecuteTaintFiltersToo() {
        GroupPlan plan = planWithNodeTainted(
                List.of(new Taint("maintenance", "true", "NoExecute")), pending("p", G, cpuMem(1000, GI)));

        assertThat(newNodes(plan)).isEqualTo(1);
    }

    @Test
    void aPodToleratingTheNodesTaintTakesItsRoom() {
        GroupPlan plan = planWithNodeTainted(
                List.of(GPU), tolerating("p", new Toleration("nvidia.com/gpu", "Exists", null, "NoSchedule")));

        assertThat(newNodes(plan)).isZero();
        assertThat(plan.actionsOf(PlanAction.ScaleUp.class)).isEmpty();
    }

    @Test
    void onlyTheTolerantPodsTakeTheTaintedNodeTheOthersGetANewOne() {
        GroupPlan plan = planWithNodeTainted(
                List.of(GPU),
                pending("p", G, cpuMem(1000, GI)),
                pending("q", G, cpuMem(1000, GI)),
                tolerating("t", new Toleration(null, "Exists", null, null)));

        assertThat(newNodes(plan)).isEqualTo(1);
        PlanAction.ScaleUp up = plan.actionsOf(PlanAction.ScaleUp.class).get(0);
        assertThat(up.pods()).isEqualTo(2);
    }

    @Test
    void preferNoScheduleTheGroupsOwnDrainingConditionAndStartupTaintsFilterNothing() {
        // The planner models these otherwise (drain state, readiness, cordon) or they go away once the node is set up.
        GroupPlan plan = planWithNodeTainted(
                List.of(
                        new Taint("spot", "true", "PreferNoSchedule"),
                        new Taint(WellKnown.DEDICATED_TAINT, G, "NoSchedule"),
                        new Taint("node.kubernetes.io/memory-pressure", "", "NoSchedule"),
                        new Taint("node.cloudprovider.kubernetes.io/uninitialized", "true", "NoSchedule"),
                        new Taint("startup-taint.cluster-autoscaler.kubernetes.io/cni", "", "NoSchedule")),
                pending("p", G, cpuMem(1000, GI)));

        assertThat(plan.actionsOf(PlanAction.ScaleUp.class)).isEmpty();
    }

    @Test
    void aTolerationOfAnotherValueOrEffectDoesNotTolerateTheNodesTaint() {
        GroupPlan plan = planWithNodeTainted(
                List.of(new Taint("dedicated", "ml", "NoSchedule")),
                tolerating("p", new Toleration("dedicated", "Equal", "other", null)),
                tolerating("q", new Toleration("dedicated", "Exists", null, "NoExecute")));

        assertThat(newNodes(plan)).isEqualTo(1);
    }

    @Test
    void aNodeCordonedByAHumanIsNoRoomEither() {
        // Already so before node taints were read: spec.unschedulable without Joblane's mark is not capacity.
        NodeInfo n1 = Fixtures.cordonedByHuman(Fixtures.node("n1", G));
        GroupPlan plan = Planner.plan(
                spec(G),
                index(List.of(n1), List.of(pending("p", G, cpuMem(1000, GI)))),
                cloudFor(List.of(n1), 0, 10),
                T0);

        assertThat(newNodes(plan)).isEqualTo(1);
    }
}
