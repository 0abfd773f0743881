package io.joblane.scaler.plan;

import static io.joblane.scaler.plan.Fixtures.GI;
import static io.joblane.scaler.plan.Fixtures.T0;
import static io.joblane.scaler.plan.Fixtures.asgSet;
import static io.joblane.scaler.plan.Fixtures.cpuMem;
import static io.joblane.scaler.plan.Fixtures.index;
import static io.joblane.scaler.plan.Fixtures.pending;
import static io.joblane.scaler.plan.Fixtures.spec;
import static io.joblane.scaler.plan.Fixtures.withConstraints;
import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.model.WellKnown;
import io.joblane.model.config.Taint;
import io.joblane.scaler.cloud.CloudGroup;
import io.joblane.scaler.cloud.CloudInstance;
import io.joblane.scaler.cloud.LifecycleState;
import io.joblane.scaler.cloud.NodeTemplate;
import io.joblane.scaler.plan.Fixtures.Member;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Taints of a member Auto Scaling group's node template against the waiting pods' tolerations, as kube-scheduler's
 * TaintToleration filter decides: a {@code NoSchedule} or {@code NoExecute} taint beyond the group's own keeps every
 * pod that does not tolerate it off that member's nodes, new and existing; {@code PreferNoSchedule} filters nothing.
 */
class PlannerTaintsTest {
    private static final String G = "batch";
    private static final NodeTemplate.Shape LARGE =
            new NodeTemplate.Shape("m5.large", Map.of("cpu", 2000L, "memory", 8 * GI, "pods", 29_000L));
    private static final Taint GPU_TAINT = new Taint("nvidia.com/gpu", "true", "NoSchedule");
    private static final NodeTemplate PLAIN = new NodeTemplate(List.of(LARGE), Map.of(), List.of());
    private static final NodeTemplate TAINTED = new NodeTemplate(List.of(LARGE), Map.of(), List.of(GPU_TAINT));

    private record M(String id, int desired, int max, NodeTemplate template, List<CloudInstance> inst) {
        M(String id, int desired, int max, NodeTemplate template) {
            this(id, desired, max, template, List.of());
        }
    }

    private static CloudGroup set(M... members) {
        return asgSet(
                G,
                Arrays.stream(members)
                        .map(m -> new Member(m.id(), m.desired(), m.max(), "zone-a", m.template(), m.inst()))
                        .toList());
    }

    private static PodInfo tolerating(String name, Toleration... tolerations) {
        return withConstraints(pending(name, G, cpuMem(1000, GI)), PodConstraints.tolerating(List.of(tolerations)));
    }

    private static GroupPlan plan(CloudGroup cloud, List<NodeInfo> nodes, PodInfo... pods) {
        return Planner.plan(spec(G, 0, 100, Resources.ZERO), index(nodes, List.of(pods)), cloud, T0);
    }

    private static PlanAction.ScaleUp scaleUp(GroupPlan plan) {
        assertThat(plan.actionsOf(PlanAction.ScaleUp.class)).hasSize(1);
        return plan.actionsOf(PlanAction.ScaleUp.class).get(0);
    }

    @Test
    void aPodNotToleratingTheFirstGroupsTaintRaisesTheUntaintedGroup() {
        // Guards against: buying a node in an ASG whose template taint the pod does not tolerate; the pod still waits.
        GroupPlan plan = plan(
                set(new M("gpu", 0, 10, TAINTED), new M("plain", 0, 10, PLAIN)),
                List.of(),
                pending("p", G, cpuMem(1000, GI)));

        assertThat(plan.neverFit()).isZero();
        assertThat(scaleUp(plan).asgs()).containsExactly(Map.entry("plain", 1));
    }

    @Test
    void aPodToleratingTheTaintMayTakeTheFirstListedTaintedGroup() {
        GroupPlan plan = plan(
                set(new M("gpu", 0, 10, TAINTED), new M("plain", 0, 10, PLAIN)),
                List.of(),
                tolerating("p", new Toleration("nvidia.com/gpu", "Exists", null, "NoSchedule")));

        assertThat(scaleUp(plan).asgs()).containsExactly(Map.entry("gpu", 1));
    }

    @Test
    void aTolerationOfAnotherValueOrEffectDoesNotTolerate() {
        GroupPlan plan = plan(
                set(new M("gpu", 0, 10, TAINTED), new M("plain", 0, 10, PLAIN)),
                List.of(),
                tolerating("p", new Toleration("nvidia.com/gpu", "Equal", "false", null)),
                tolerating("q", new Toleration("nvidia.com/gpu", "Exists", null, "NoExecute")));

        assertThat(scaleUp(plan).asgs()).containsExactly(Map.entry("plain", 1));
    }

    @Test
    void aPodThatToleratesNoGroupsTaintIsReportedNamingTheTaintAndNothingIsBought() {
        // Guards against: a pod waiting silently (or a node bought for it) when every ASG's taint keeps it off.
        Taint other = new Taint("dedicated", "ml", "NoExecute");
        GroupPlan plan = plan(
                set(
                        new M("gpu", 0, 10, TAINTED),
                        new M("ml", 0, 10, new NodeTemplate(List.of(LARGE), Map.of("team", "ml"), List.of(other)))),
                List.of(),
                pending("p", G, cpuMem(1000, GI)));

        assertThat(plan.actionsOf(PlanAction.ScaleUp.class)).isEmpty();
        assertThat(plan.actionsOf(PlanAction.PodNeverFits.class))
                .singleElement()
                .satisfies(u -> {
                    assertThat(u.why()).isEqualTo(PlanAction.NeverFitReason.UNTOLERATED_TAINTS);
                    assertThat(u.reason())
                            .contains("Auto Scaling group(s) gpu (m5.large): taint nvidia.com/gpu=true:NoSchedule")
                            .contains("Auto Scaling group(s) ml (m5.large): taint dedicated=ml:NoExecute");
                });
    }

    @Test
    void preferNoScheduleAndTheGroupsOwnTaintFilterNothing() {
        NodeTemplate soft = new NodeTemplate(
                List.of(LARGE),
                Map.of(),
                List.of(
                        new Taint("spot", "true", "PreferNoSchedule"),
                        new Taint(WellKnown.DEDICATED_TAINT, G, "NoSchedule")));
        GroupPlan plan = plan(
                set(new M("soft", 0, 10, soft), new M("plain", 0, 10, PLAIN)),
                List.of(),
                pending("p", G, cpuMem(1000, GI)));

        assertThat(scaleUp(plan).asgs()).containsExactly(Map.entry("soft", 1));
    }

    @Test
    void aFreeNodeOfTheTaintedGroupDoesNotAbsorbAPodThatDoesNotTolerateIt() {
        // Guards against: counting room on a tainted node for a pod the scheduler will never put there.
        CloudInstance running = new CloudInstance("i-g1", "zone-a", LifecycleState.IN_SERVICE, true, true, T0);
        NodeInfo g1 = Fixtures.node("g1", G);
        GroupPlan plan = plan(
                set(new M("gpu", 1, 10, TAINTED, List.of(running)), new M("plain", 0, 10, PLAIN)),
                List.of(g1),
                pending("p", G, cpuMem(1000, GI)),
                tolerating("t", new Toleration(null, "Exists", null, null)));

        PlanAction.ScaleUp up = scaleUp(plan);
        assertThat(up.asgs()).containsExactly(Map.entry("plain", 1));
        assertThat(up.pods()).isEqualTo(1); // the tolerate-all pod takes the free tainted node
        assertThat(plan.podsOnIncoming()).isEqualTo(1);
    }
}
