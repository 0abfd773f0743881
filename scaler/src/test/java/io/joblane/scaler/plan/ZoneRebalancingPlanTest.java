package io.joblane.scaler.plan;

import static io.joblane.scaler.plan.Fixtures.T0;
import static io.joblane.scaler.plan.Fixtures.cloudFor;
import static io.joblane.scaler.plan.Fixtures.index;
import static io.joblane.scaler.plan.Fixtures.node;
import static io.joblane.scaler.plan.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.scaler.cloud.CloudGroup;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cloud hygiene step's zone-rebalancing action: planned from what describe reported and the group's setting. */
class ZoneRebalancingPlanTest {

    private static final String G = "batch";

    private static CloudGroup rebalancing(CloudGroup g, boolean active) {
        return new CloudGroup(
                g.id(),
                g.desired(),
                g.min(),
                g.max(),
                g.instances(),
                g.problems(),
                g.launchFailing(),
                g.template(),
                active);
    }

    private static GroupSpec allowing(GroupSpec s, boolean suspend) {
        return Fixtures.respec(s, s.maxDraining(), s.taints(), suspend, s.bootDelay(), s.scaleInByCost());
    }

    @Test
    void activeZoneRebalancingIsSuspendedOnlyWhenTheGroupAllowsIt() {
        // Guards against the suspension getting lost when describe stopped making it.
        List<NodeInfo> nodes = List.of(node("n1", G));
        CloudGroup active = rebalancing(cloudFor(nodes, 0, 10), true);

        GroupPlan allowed = Planner.plan(allowing(spec(G), true), index(nodes, List.of()), active, T0);
        GroupPlan refused = Planner.plan(allowing(spec(G), false), index(nodes, List.of()), active, T0);
        GroupPlan suspended = Planner.plan(
                allowing(spec(G), true), index(nodes, List.of()), rebalancing(cloudFor(nodes, 0, 10), false), T0);

        assertThat(allowed.actionsOf(PlanAction.SuspendZoneRebalancing.class)).hasSize(1);
        assertThat(refused.actionsOf(PlanAction.SuspendZoneRebalancing.class)).isEmpty();
        assertThat(suspended.actionsOf(PlanAction.SuspendZoneRebalancing.class)).isEmpty();
    }
}
