package io.joblane.scaler.plan;

import static io.joblane.scaler.plan.Fixtures.GI;
import static io.joblane.scaler.plan.Fixtures.T0;
import static io.joblane.scaler.plan.Fixtures.cloudFor;
import static io.joblane.scaler.plan.Fixtures.cordonedByJoblane;
import static io.joblane.scaler.plan.Fixtures.cpuMem;
import static io.joblane.scaler.plan.Fixtures.draining;
import static io.joblane.scaler.plan.Fixtures.index;
import static io.joblane.scaler.plan.Fixtures.node;
import static io.joblane.scaler.plan.Fixtures.pending;
import static io.joblane.scaler.plan.Fixtures.running;
import static io.joblane.scaler.plan.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.scaler.cloud.CloudGroup;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The planner's decisions for nodes carrying a Spot notice (DESIGN.md, planning pass; AWS.md, Spot). */
class SpotNoticePlannerTest {
    private static final String G = "batch";

    @ParameterizedTest
    @EnumSource(
            value = SpotNotice.class,
            names = {"REBALANCE", "INTERRUPTION"})
    void aNoticedBusyNodeIsFencedAtOnceAndNeverTerminated(SpotNotice notice) {
        // Guards against: a noticed node left open (new Jobs land on a node about to go) or terminated while busy.
        NodeInfo n = node("s", G).withSpotNotice(notice);
        GroupPlan plan = Planner.plan(
                spec(G), index(List.of(n), List.of(running("job", G, cpuMem(500, GI), "s", T0))), cloud(n), T0);
        assertThat(plan.actionsOf(PlanAction.SetDrain.class)).singleElement().satisfies(a -> {
            assertThat(a.node()).isEqualTo("s");
            assertThat(a.state()).isEqualTo(DrainState.NO_SCHEDULE);
            assertThat(a.why()).isEqualTo(PlanAction.DrainReason.SPOT_NOTICE);
        });
        assertThat(plan.actions())
                .noneMatch(a -> a instanceof PlanAction.Terminate
                        || a instanceof PlanAction.Cordon
                        || a instanceof PlanAction.Reclaim);
    }

    @ParameterizedTest
    @EnumSource(
            value = DrainState.class,
            names = {"NONE", "NO_SCHEDULE"})
    void aWaitingPodThatWouldFitANoticedNodeGetsANewNodeInstead(DrainState fence) {
        // Guards against: the noticed node's free room counted as capacity, so the pod waits for a node that goes.
        NodeInfo n = draining(node("s", G), fence, fence == DrainState.NONE ? null : T0)
                .withSpotNotice(SpotNotice.REBALANCE);
        GroupPlan plan = Planner.plan(
                spec(G),
                index(
                        List.of(n),
                        List.of(running("job", G, cpuMem(500, GI), "s", T0), pending("p", G, cpuMem(500, GI)))),
                cloud(n),
                T0);
        assertThat(plan.actionsOf(PlanAction.ScaleUp.class))
                .singleElement()
                .satisfies(a -> assertThat(a.to()).isEqualTo(2));
        assertThat(plan.actions()).noneMatch(a -> a instanceof PlanAction.Reclaim);
    }

    @ParameterizedTest
    @EnumSource(
            value = SpotNotice.class,
            names = {"REBALANCE", "INTERRUPTION"})
    void aNoticedNodeStaysFencedOnceFenced(SpotNotice notice) {
        // Guards against: a noticed node fenced again on every scan, or its fence taken back (an Uncordon, a
        // Reclaim, a SetDrain NONE) so new Jobs could land on it.
        NodeInfo busy = cordonedByJoblane(draining(node("s", G), DrainState.NO_SCHEDULE, T0), T0.minusSeconds(60))
                .withSpotNotice(notice);
        GroupPlan plan = Planner.plan(
                spec(G),
                index(
                        List.of(busy),
                        List.of(running("job", G, cpuMem(500, GI), "s", T0), pending("p", G, cpuMem(500, GI)))),
                cloud(busy),
                T0);
        assertThat(plan.actions())
                .noneMatch(a -> a instanceof PlanAction.SetDrain
                        || a instanceof PlanAction.Uncordon
                        || a instanceof PlanAction.Reclaim
                        || a instanceof PlanAction.Terminate);
    }

    @org.junit.jupiter.api.Test
    void anEmptyNoticedNodeIsCordonedAtOnceAndTerminatedAfterTheSettleDelay() {
        // Guards against: an empty noticed node kept (and paid for) until the cloud takes it, or removed unsettled.
        NodeInfo fenced = draining(node("s", G), DrainState.NO_SCHEDULE, T0).withSpotNotice(SpotNotice.REBALANCE);
        NodeInfo other = node("o", G);
        List<NodeInfo> nodes = List.of(fenced, other);
        List<PodInfo> pods = List.of(running("job", G, cpuMem(500, GI), "o", T0));
        GroupPlan plan = Planner.plan(spec(G), index(nodes, pods), cloudFor(nodes, 0, 10), T0);
        assertThat(plan.actionsOf(PlanAction.Cordon.class))
                .singleElement()
                .satisfies(a -> assertThat(a.why()).isEqualTo(PlanAction.CordonReason.SPOT_NOTICE));
        assertThat(plan.actionsOf(PlanAction.Terminate.class)).isEmpty();

        NodeInfo cordoned = cordonedByJoblane(fenced, T0).withSpotNotice(SpotNotice.REBALANCE);
        List<NodeInfo> later = List.of(cordoned, other);
        GroupPlan settled =
                Planner.plan(spec(G), index(later, pods), cloudFor(later, 0, 10), T0.plus(spec(G).settleDelay()));
        assertThat(settled.actionsOf(PlanAction.Terminate.class))
                .singleElement()
                .satisfies(a -> assertThat(a.node()).isEqualTo("s"));
    }

    @org.junit.jupiter.api.Test
    void aNoticedNodeDoesNotUseUpTheDrainBudget() {
        // Guards against: a Spot notice blocking the group's own packing for as long as the noticed node lives.
        NodeInfo noticed = node("s", G).withSpotNotice(SpotNotice.INTERRUPTION);
        NodeInfo a = node("a", G);
        NodeInfo b = node("b", G);
        NodeInfo c = node("c", G);
        List<NodeInfo> nodes = List.of(noticed, a, b, c);
        List<PodInfo> pods = List.of(
                running("s1", G, cpuMem(500, GI), "s", T0),
                running("a1", G, cpuMem(500, GI), "a", T0),
                running("b1", G, cpuMem(500, GI), "b", T0),
                running("c1", G, cpuMem(500, GI), "c", T0));
        GroupPlan plan = Planner.plan(spec(G), index(nodes, pods), cloudFor(nodes, 0, 10), T0);
        assertThat(plan.actionsOf(PlanAction.SetDrain.class))
                .extracting(PlanAction.SetDrain::why)
                .contains(PlanAction.DrainReason.SPOT_NOTICE, PlanAction.DrainReason.PODS_FIT_ELSEWHERE);
    }

    private static CloudGroup cloud(NodeInfo n) {
        return cloudFor(List.of(n), 0, 10);
    }
}
