package io.joblane.scaler.plan;

import static io.joblane.scaler.plan.Fixtures.GI;
import static io.joblane.scaler.plan.Fixtures.T0;
import static io.joblane.scaler.plan.Fixtures.cpuMem;
import static io.joblane.scaler.plan.Fixtures.index;
import static io.joblane.scaler.plan.Fixtures.instance;
import static io.joblane.scaler.plan.Fixtures.pending;
import static io.joblane.scaler.plan.Fixtures.res;
import static io.joblane.scaler.plan.Fixtures.spec;
import static io.joblane.scaler.plan.Fixtures.withConstraints;
import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.model.config.Taint;
import io.joblane.scaler.cloud.CloudGroup;
import io.joblane.scaler.cloud.CloudInstance;
import io.joblane.scaler.cloud.LifecycleState;
import io.joblane.scaler.cloud.NodeTemplate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** New-node shapes from the cloud's node template (scale from zero), with the file's override and several types. */
class NewNodeShapesTest {

    private static final String G = "batch";
    private static final NodeTemplate.Shape SMALL =
            new NodeTemplate.Shape("m5.large", Map.of("cpu", 2000L, "memory", 8 * GI, "pods", 29_000L));
    private static final NodeTemplate.Shape BIG =
            new NodeTemplate.Shape("m5.2xlarge", Map.of("cpu", 8000L, "memory", 32 * GI, "pods", 58_000L));

    private static CloudGroup cloud(int desired, List<CloudInstance> instances, NodeTemplate template) {
        return new CloudGroup("asg", desired, 0, 20, instances, List.of(), false, template);
    }

    private static NodeTemplate template(NodeTemplate.Shape... shapes) {
        return new NodeTemplate(List.of(shapes), Map.of(), List.of());
    }

    private static List<PodInfo> pods(int n, Resources each) {
        List<PodInfo> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(pending("p" + i, G, each));
        }
        return out;
    }

    private static GroupSpec noShape() {
        return spec(G, 0, 20, Resources.ZERO);
    }

    @Test
    void withoutAShapeInTheFileTheTemplatePlansTheNewNodes() {
        // Guards against a scale-from-zero group with no scaling.node planning nothing (every pod "never fits").
        GroupPlan plan = Planner.plan(
                noShape(), index(List.of(), pods(4, cpuMem(1000, GI))), cloud(0, List.of(), template(BIG)), T0);
        assertThat(plan.neverFit()).isZero();
        assertThat(plan.newNodesWanted()).isEqualTo(1);
    }

    @Test
    void theFilesOverrideWinsPerResource() {
        // scaling.node {pods: "4"}: the template's cpu and memory, but four pods a node.
        GroupSpec spec = spec(G, 0, 20, res("pods", 4000));
        GroupPlan plan =
                Planner.plan(spec, index(List.of(), pods(10, cpuMem(100, GI))), cloud(0, List.of(), template(BIG)), T0);
        assertThat(plan.newNodesWanted()).isEqualTo(3);
    }

    @Test
    void severalTypesArePlannedWithTheTypeThatNeedsTheMostNodesAndAPodFittingOnlySomeNamesThem() {
        List<PodInfo> waiting = new ArrayList<>(pods(8, cpuMem(1000, GI)));
        waiting.add(pending("wide", G, cpuMem(6000, GI)));
        GroupPlan plan =
                Planner.plan(noShape(), index(List.of(), waiting), cloud(0, List.of(), template(BIG, SMALL)), T0);

        // m5.large: 2 pods a node -> 4 nodes (the 6-cpu pod fits no m5.large); m5.2xlarge would need 2.
        assertThat(plan.actionsOf(PlanAction.ScaleUp.class)).singleElement().satisfies(up -> {
            assertThat(up.to()).isEqualTo(4);
            assertThat(up.reason())
                    .contains("planned as m5.large, the type of m5.2xlarge, m5.large that needs the " + "most nodes");
        });
        assertThat(plan.actionsOf(PlanAction.PodNeverFits.class))
                .singleElement()
                .satisfies(unfit -> {
                    assertThat(unfit.pod().name()).isEqualTo("wide");
                    assertThat(unfit.why()).isEqualTo(PlanAction.NeverFitReason.FITS_ONLY_SOME_TYPES);
                    assertThat(unfit.reason()).contains("fit only instance type(s) m5.2xlarge of m5.2xlarge, m5.large");
                });
    }

    @Test
    void withLiveNodesOfTheSmallTypeAPodFittingOnlyTheLargeTypeIsStillNamedWithIt() {
        // Guards against buying a node for it, which the group may launch as m5.large again and again (it was).
        NodeInfo small = Fixtures.node("n1", G, Resources.ofMillis(SMALL.allocatableMillis()));
        List<CloudInstance> running = List.of(instance("i-n1", LifecycleState.IN_SERVICE, T0, true));
        List<PodInfo> waiting = List.of(pending("wide", G, cpuMem(6000, GI)));
        GroupPlan plan =
                Planner.plan(noShape(), index(List.of(small), waiting), cloud(1, running, template(SMALL, BIG)), T0);

        assertThat(plan.actionsOf(PlanAction.PodNeverFits.class))
                .singleElement()
                .satisfies(unfit -> assertThat(unfit.why()).isEqualTo(PlanAction.NeverFitReason.FITS_ONLY_SOME_TYPES));
        assertThat(plan.actionsOf(PlanAction.ScaleUp.class)).isEmpty();
        assertThat(plan.neverFit()).isEqualTo(1);
    }

    @Test
    void withLiveNodesOfTheLargeTypeNewNodesAreStillPlannedAsTheSmallOne() {
        // Guards against under-buying: live m5.2xlarge nodes say nothing about the type the group launches next.
        NodeInfo big = Fixtures.node("n1", G, Resources.ofMillis(BIG.allocatableMillis()));
        List<CloudInstance> running = List.of(instance("i-n1", LifecycleState.IN_SERVICE, T0, true));
        List<PodInfo> waiting = new ArrayList<>(pods(8, cpuMem(1000, GI)));
        for (int i = 0; i < 8; i++) {
            waiting.add(pending("fill" + i, G, cpuMem(990, GI)));
        }
        GroupPlan plan =
                Planner.plan(noShape(), index(List.of(big), waiting), cloud(1, running, template(SMALL, BIG)), T0);

        // About 8 pods fill the live node; 8 more need 4 m5.large (2 a node), not 1 m5.2xlarge.
        assertThat(plan.newNodesWanted()).isEqualTo(4);
    }

    @Test
    void capacityOnItsWayIsNotBoughtAgainOnTheNextScan() {
        // Guards against a runaway: nodes launching for the planned pods must hold them in every type's plan.
        List<PodInfo> waiting = pods(8, cpuMem(1000, GI));
        List<CloudInstance> launching = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            launching.add(instance("i-new" + i, LifecycleState.PENDING, T0, false));
        }
        GroupPlan plan =
                Planner.plan(noShape(), index(List.of(), waiting), cloud(4, launching, template(BIG, SMALL)), T0);
        assertThat(plan.actionsOf(PlanAction.ScaleUp.class)).isEmpty();
        assertThat(plan.newNodesWanted()).isZero();
    }

    @Test
    void theTemplatesLabelsAndTaintsDecideWhichDaemonSetsLand() {
        // A DaemonSet of 1 cpu selecting team=ml: on the template's nodes (tag label team=ml) it leaves 1 cpu a node.
        DaemonSetInfo ml = new DaemonSetInfo(
                "kube-system",
                "ml-agent",
                cpuMem(1000, 0),
                Map.of("team", "ml"),
                List.of(new Toleration(null, "Exists", null, null)));
        NodeTemplate.Shape twoCpu = new NodeTemplate.Shape("c5.large", Map.of("cpu", 2000L, "memory", 4 * GI));
        NodeTemplate labelled = new NodeTemplate(List.of(twoCpu), Map.of("team", "ml"), List.of());
        NodeTemplate tainted = new NodeTemplate(
                List.of(twoCpu), Map.of("team", "ml"), List.of(new Taint("gpu", "true", "NoSchedule")));
        DaemonSetInfo intolerant = new DaemonSetInfo(
                "kube-system",
                "picky",
                cpuMem(1000, 0),
                Map.of(),
                List.of(new Toleration(io.joblane.model.WellKnown.DEDICATED_TAINT, "Exists", null, null)));

        assertThat(Planner.plan(
                                noShape(),
                                index(List.of(), pods(2, cpuMem(1000, GI)), List.of(ml)),
                                cloud(0, List.of(), labelled),
                                T0)
                        .newNodesWanted())
                .isEqualTo(2);
        assertThat(Planner.plan(
                                noShape(),
                                index(List.of(), pods(2, cpuMem(1000, GI)), List.of(ml)),
                                cloud(0, List.of(), template(twoCpu)),
                                T0)
                        .newNodesWanted())
                .isEqualTo(1);
        // The template's taint keeps a DaemonSet that does not tolerate it off the new nodes (the pods tolerate it).
        List<PodInfo> tolerating = pods(2, cpuMem(1000, GI)).stream()
                .map(p -> withConstraints(
                        p, PodConstraints.tolerating(List.of(new Toleration("gpu", "Exists", null, null)))))
                .toList();
        assertThat(Planner.plan(
                                noShape(),
                                index(List.of(), tolerating, List.of(intolerant)),
                                cloud(0, List.of(), tainted),
                                T0)
                        .newNodesWanted())
                .isEqualTo(1);
    }
}
