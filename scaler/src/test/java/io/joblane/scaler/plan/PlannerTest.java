package io.joblane.scaler.plan;

import static io.joblane.scaler.plan.Fixtures.GI;
import static io.joblane.scaler.plan.Fixtures.T0;
import static io.joblane.scaler.plan.Fixtures.cloudFor;
import static io.joblane.scaler.plan.Fixtures.cordonedByHuman;
import static io.joblane.scaler.plan.Fixtures.cordonedByJoblane;
import static io.joblane.scaler.plan.Fixtures.cpuMem;
import static io.joblane.scaler.plan.Fixtures.draining;
import static io.joblane.scaler.plan.Fixtures.index;
import static io.joblane.scaler.plan.Fixtures.instance;
import static io.joblane.scaler.plan.Fixtures.node;
import static io.joblane.scaler.plan.Fixtures.notReady;
import static io.joblane.scaler.plan.Fixtures.pending;
import static io.joblane.scaler.plan.Fixtures.res;
import static io.joblane.scaler.plan.Fixtures.running;
import static io.joblane.scaler.plan.Fixtures.scaleDownDisabled;
import static io.joblane.scaler.plan.Fixtures.spec;
import static io.joblane.scaler.plan.Fixtures.unneededSince;
import static io.joblane.scaler.plan.Fixtures.withExtra;
import static io.joblane.scaler.plan.Fixtures.withMaxDraining;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.joblane.model.WellKnown;
import io.joblane.scaler.cloud.CloudGroup;
import io.joblane.scaler.cloud.LifecycleState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PlannerTest {
    private static final String G = "batch";
    private static final CloudGroup EMPTY = new CloudGroup("asg", 0, 0, 10, List.of(), List.of(), false);

    private static List<PodInfo> pendingPods(int n, Resources each) {
        List<PodInfo> pods = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            pods.add(pending("p" + i, G, each));
        }
        return pods;
    }

    @Nested
    class Unfulfilled {
        @Test
        void capacityAskedForButNotLaunchedIsCancelledDownToWhatWaitingPodsStillNeed() {
            // Guards against: desired left above the instances for Jobs long gone (the cloud launches it later).
            NodeInfo n1 = node("n1", G);
            CloudGroup cloud = withExtra(cloudFor(List.of(n1), 0, 10), 4);
            List<PodInfo> pods = new ArrayList<>(pendingPods(2, cpuMem(4000, GI))); // n1 and one missing node
            GroupPlan plan = Planner.plan(spec(G), index(List.of(n1), pods), cloud, T0);

            assertThat(plan.actionsOf(PlanAction.CancelUnfulfilled.class))
                    .singleElement()
                    .satisfies(a -> {
                        assertThat(a.from()).isEqualTo(4);
                        assertThat(a.to()).isEqualTo(2);
                    });
            assertThat(plan.actionsOf(PlanAction.ScaleUp.class)).isEmpty();
        }

        /** Every missing node counts, after a node and an instance still launching, which are not cancelled. */
        @Test
        void everyUnwantedMissingNodeIsCancelledButNotTheLaunchingInstance() {
            NodeInfo n1 = node("n1", G);
            CloudGroup cloud = withExtra(
                    cloudFor(List.of(n1), 0, 10),
                    5,
                    instance("i-young", LifecycleState.PENDING, T0.minus(Duration.ofMinutes(1)), true));
            GroupPlan plan = Planner.plan(spec(G), index(List.of(n1), List.of()), cloud, T0);

            assertThat(plan.actionsOf(PlanAction.CancelUnfulfilled.class))
                    .singleElement()
                    .satisfies(a -> {
                        assertThat(a.from()).isEqualTo(5);
                        assertThat(a.to()).isEqualTo(2);
                    });
        }

        @Test
        void neverBelowTheMinimumAndNothingWhileEveryMissingNodeIsWanted() {
            NodeInfo n1 = node("n1", G);
            CloudGroup cloud = withExtra(cloudFor(List.of(n1), 3, 10), 4);
            GroupPlan idle = Planner.plan(spec(G), index(List.of(n1), List.of()), cloud, T0);
            assertThat(idle.actionsOf(PlanAction.CancelUnfulfilled.class))
                    .singleElement()
                    .satisfies(a -> assertThat(a.to()).isEqualTo(3));

            GroupPlan busy = Planner.plan(spec(G), index(List.of(n1), pendingPods(4, cpuMem(4000, GI))), cloud, T0);
            assertThat(busy.actionsOf(PlanAction.CancelUnfulfilled.class)).isEmpty();
        }
    }

    @Nested
    class NeverReady {
        private NodeInfo notReadySince(NodeInfo n, Instant since) {
            return new NodeInfo(
                    n.name(),
                    n.group(),
                    n.instanceId(),
                    n.allocatable(),
                    false,
                    n.created(),
                    n.cordoned(),
                    n.cordonedByJoblane(),
                    n.draining(),
                    n.scaleDownDisabled(),
                    n.unneededSince(),
                    n.cordonedAt(),
                    n.drainingSince(),
                    null,
                    since,
                    null,
                    null,
                    Map.of(),
                    List.of());
        }

        @Test
        void aNodeThatNeverBecameReadyIsCordonedForRemovalWhenNothingRunsThere() {
            // Guards against: a node that never became Ready being paid for forever.
            NodeInfo good = node("n1", G);
            NodeInfo broken = notReady(node("n2", G), T0.minus(Duration.ofMinutes(20)));
            List<PodInfo> pods = List.of(running("r", G, cpuMem(1000, GI), "n1", T0.minusSeconds(600)));
            GroupPlan plan = Planner.plan(
                    spec(G), index(List.of(good, broken), pods), cloudFor(List.of(good, broken), 0, 10), T0);

            assertThat(plan.actionsOf(PlanAction.Cordon.class))
                    .singleElement()
                    .satisfies(c -> assertThat(c.node()).isEqualTo("n2"))
                    .satisfies(c -> assertThat(c.why()).isEqualTo(PlanAction.CordonReason.BROKEN));
        }

        @Test
        void aNotReadyNodeWithAJobPodBoundIsKept() {
            NodeInfo broken = notReady(node("n2", G), T0.minus(Duration.ofMinutes(20)));
            List<PodInfo> pods = List.of(running("r", G, cpuMem(1000, GI), "n2", T0.minusSeconds(600)));
            GroupPlan plan = Planner.plan(spec(G), index(List.of(broken), pods), cloudFor(List.of(broken), 0, 10), T0);
            assertThat(plan.actionsOf(PlanAction.Cordon.class)).isEmpty();
            assertThat(plan.actionsOf(PlanAction.Terminate.class)).isEmpty();
        }

        @Test
        void aNodeNotReadyOnlyBrieflyIsLeftAlone() {
            NodeInfo blip = notReadySince(node("n2", G), T0.minusSeconds(60)); // created an hour ago
            GroupPlan plan = Planner.plan(spec(G), index(List.of(blip), List.of()), cloudFor(List.of(blip), 0, 10), T0);
            assertThat(plan.actionsOf(PlanAction.Cordon.class)).isEmpty();
        }

        @Test
        void aCordonedBrokenNodeIsTerminatedAfterTheSettleDelay() {
            NodeInfo broken = cordonedByJoblane(
                    notReadySince(node("n2", G), T0.minus(Duration.ofMinutes(30))), T0.minusSeconds(31));
            GroupPlan plan =
                    Planner.plan(spec(G), index(List.of(broken), List.of()), cloudFor(List.of(broken), 0, 10), T0);
            assertThat(plan.actionsOf(PlanAction.Terminate.class))
                    .singleElement()
                    .satisfies(t -> assertThat(t.instanceId()).isEqualTo("i-n2"));
        }
    }

    @Nested
    class ExtendedResources {
        private final Resources gpuShape = res("cpu", 8000, "memory", 32 * GI, "pods", 110_000, "nvidia.com/gpu", 1000);
        private final Resources noGpuYet = res("cpu", 8000, "memory", 32 * GI, "pods", 110_000);

        private NodeInfo young(String name, Resources allocatable) {
            return new NodeInfo(
                    name,
                    G,
                    "i-" + name,
                    allocatable,
                    true,
                    T0.minusSeconds(60),
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
                    Map.of(),
                    List.of());
        }

        @Test
        void aNodeWhoseGpuIsNotAdvertisedYetStillCountsAsTheGpuOnItsWay() {
            // Guards against: a GPU node registered before its device plugin ordering a second node for the same pod.
            NodeInfo booting = young("g1", noGpuYet);
            GroupPlan plan = Planner.plan(
                    spec(G, 0, 10, gpuShape),
                    index(List.of(booting), List.of(pending("p", G, res("cpu", 1000, "nvidia.com/gpu", 1000)))),
                    cloudFor(List.of(booting), 0, 10),
                    T0);

            assertThat(plan.actionsOf(PlanAction.ScaleUp.class)).isEmpty();
            assertThat(plan.podsOnIncoming()).isEqualTo(1);
            assertThat(plan.launching()).isEqualTo(1);
        }

        @Test
        void theLearntShapeKeepsTheGpuWhileMostNodesAreStillInitialising() {
            // Guards against: two uninitialised nodes outvoting a real one, so the learnt shape loses the GPU.
            NodeInfo real = node("g0", G, gpuShape);
            NodeInfo u1 = young("g1", noGpuYet);
            NodeInfo u2 = young("g2", noGpuYet);
            List<PodInfo> pods = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                pods.add(pending("p" + i, G, res("cpu", 1000, "nvidia.com/gpu", 1000)));
            }
            GroupPlan plan = Planner.plan(
                    spec(G, 0, 10, gpuShape),
                    index(List.of(real, u1, u2), pods),
                    cloudFor(List.of(real, u1, u2), 0, 10),
                    T0);

            assertThat(plan.podsOnIncoming()).isEqualTo(3); // one on g0, one on each node still initialising
            assertThat(plan.actionsOf(PlanAction.ScaleUp.class))
                    .singleElement()
                    .satisfies(a -> assertThat(a.to()).isEqualTo(5));
            assertThat(plan.actionsOf(PlanAction.PodNeverFits.class)).isEmpty();
        }

        /**
         * A Ready node with every resource of the template is free capacity before and after its registration timeout:
         * the pass asks no wake-up for it (and keeps its bin from pass to pass), while one still waiting for its
         * device plugin is incoming only until then.
         */
        @ParameterizedTest
        @ValueSource(booleans = {true, false})
        void onlyANodeWaitingForItsGpuAsksToBeLookedAtWhenItsRegistrationTimeoutPasses(boolean gpuAdvertised) {
            NodeInfo young = young("g1", gpuAdvertised ? gpuShape : noGpuYet);
            GroupSpec spec = spec(G, 0, 10, gpuShape);
            PodInfo busy = running("p", G, res("cpu", 1000), "g1", T0.minusSeconds(30)); // not an empty node's timer
            GroupPlan plan =
                    Planner.plan(spec, index(List.of(young), List.of(busy)), cloudFor(List.of(young), 0, 10), T0);

            assertThat(plan.launching()).isEqualTo(gpuAdvertised ? 0 : 1);
            assertThat(plan.nextDeadline())
                    .isEqualTo(
                            gpuAdvertised
                                    ? null
                                    : young.created()
                                            .plus(spec.registrationTimeout())
                                            .plusNanos(1));
        }

        @Test
        void aNodeThatNeverGetsItsGpuStopsCountingAfterTheRegistrationTimeout() {
            NodeInfo stuck = node("g1", G, noGpuYet); // created an hour ago, still no GPU
            GroupPlan plan = Planner.plan(
                    spec(G, 0, 10, gpuShape),
                    index(List.of(stuck), List.of(pending("p", G, res("cpu", 1000, "nvidia.com/gpu", 1000)))),
                    cloudFor(List.of(stuck), 0, 10),
                    T0);
            assertThat(plan.actionsOf(PlanAction.ScaleUp.class))
                    .singleElement()
                    .satisfies(a -> assertThat(a.to()).isEqualTo(2));
        }
    }

    @Nested
    class ScaleOut {
        @Test
        void packsWaitingPodsOntoAsFewNewNodesAsFit() {
            GroupPlan plan = Planner.plan(spec(G), index(List.of(), pendingPods(10, cpuMem(1000, GI))), EMPTY, T0);

            assertThat(plan.actionsOf(PlanAction.ScaleUp.class)).singleElement().satisfies(a -> {
                assertThat(a.from()).isZero();
                assertThat(a.to()).isEqualTo(3); // 4 cpu per node: 4 + 4 + 2
                assertThat(a.pods()).isEqualTo(10);
            });
            assertThat(plan.newNodesWanted()).isEqualTo(3);
        }

        @Test
        void largestFirstBeatsArrivalOrder() {
            // 3 + 1 + 3 + 1 cpu: first-fit in arrival order would still need 2; largest-first must not need more.
            List<PodInfo> pods = List.of(
                    pending("a", G, cpuMem(3000, GI)),
                    pending("b", G, cpuMem(1000, GI)),
                    pending("c", G, cpuMem(3000, GI)),
                    pending("d", G, cpuMem(1000, GI)));
            GroupPlan plan = Planner.plan(spec(G), index(List.of(), pods), EMPTY, T0);
            assertThat(plan.newNodesWanted()).isEqualTo(2);
        }

        @Test
        void usesFreeCapacityOfSchedulableNodesFirst() {
            NodeInfo n1 = node("n1", G);
            List<PodInfo> pods = new ArrayList<>(List.of(running("r1", G, cpuMem(2000, GI), "n1", T0)));
            pods.addAll(pendingPods(2, cpuMem(1000, GI)));
            GroupPlan plan = Planner.plan(spec(G), index(List.of(n1), pods), cloudFor(List.of(n1), 0, 10), T0);

            assertThat(plan.actionsOf(PlanAction.ScaleUp.class)).isEmpty();
            assertThat(plan.podsOnIncoming()).isEqualTo(2);
        }

        @Test
        void takesADrainingNodeBackBeforeLaunching() {
            NodeInfo busy = node("busy", G);
            NodeInfo drained = draining(node("drained", G), DrainState.NO_SCHEDULE, T0.minusSeconds(600));
            List<PodInfo> pods = new ArrayList<>(List.of(
                    running("r1", G, cpuMem(4000, GI), "busy", T0), running("r2", G, cpuMem(1000, GI), "drained", T0)));
            pods.addAll(pendingPods(3, cpuMem(1000, GI)));
            GroupPlan plan = Planner.plan(
                    spec(G), index(List.of(busy, drained), pods), cloudFor(List.of(busy, drained), 0, 10), T0);

            assertThat(plan.actionsOf(PlanAction.Reclaim.class))
                    .extracting(PlanAction.Reclaim::node)
                    .containsExactly("drained");
            assertThat(plan.actionsOf(PlanAction.ScaleUp.class)).isEmpty();
            assertThat(plan.actionsOf(PlanAction.SetDrain.class)).isEmpty();
        }

        @Test
        void takesTheDrainBackBeforeLaunchingTheRest() {
            NodeInfo drained = draining(node("drained", G), DrainState.NO_SCHEDULE, T0.minusSeconds(600));
            List<PodInfo> pods = new ArrayList<>(List.of(running("r", G, cpuMem(2000, GI), "drained", T0)));
            pods.addAll(pendingPods(6, cpuMem(1000, GI)));
            GroupPlan plan =
                    Planner.plan(spec(G), index(List.of(drained), pods), cloudFor(List.of(drained), 0, 10), T0);

            List<PlanAction> actions = plan.actions();
            int reclaim =
                    actions.indexOf(plan.actionsOf(PlanAction.Reclaim.class).get(0));
            int scaleUp =
                    actions.indexOf(plan.actionsOf(PlanAction.ScaleUp.class).get(0));
            assertThat(reclaim).isLessThan(scaleUp);
            assertThat(plan.actionsOf(PlanAction.ScaleUp.class).get(0).to()).isEqualTo(2); // 2 pods back home, 4 new
        }

        /**
         * A node a waiting pod is packed onto is needed, marked at its own position among the group's nodes: here the
         * second, while its bin is the first (a node before it has none), so a mark by bin would spare the wrong node.
         */
        @ParameterizedTest
        @ValueSource(booleans = {true, false})
        void anEmptyNodeAWaitingPodGoesToIsNotMarkedUnneeded(boolean waiting) {
            NodeInfo theirs = cordonedByHuman(node("a-theirs", G));
            NodeInfo empty = node("b-empty", G);
            GroupPlan plan = Planner.plan(
                    spec(G),
                    index(List.of(theirs, empty), waiting ? pendingPods(1, cpuMem(1000, GI)) : List.of()),
                    cloudFor(List.of(theirs, empty), 0, 10),
                    T0);

            assertThat(plan.actionsOf(PlanAction.MarkUnneeded.class))
                    .extracting(PlanAction.MarkUnneeded::node)
                    .isEqualTo(waiting ? List.of() : List.of("b-empty"));
            assertThat(plan.actionsOf(PlanAction.ScaleUp.class)).isEmpty();
        }

        @Test
        void takesAJoblaneCordonedNodeBackButNeverAHumanOne() {
            NodeInfo ours = cordonedByJoblane(node("ours", G), T0.minusSeconds(5));
            NodeInfo theirs = cordonedByHuman(node("theirs", G));
            GroupPlan plan = Planner.plan(
                    spec(G),
                    index(List.of(theirs, ours), pendingPods(1, cpuMem(1000, GI))),
                    cloudFor(List.of(theirs, ours), 0, 10),
                    T0);

            assertThat(plan.actionsOf(PlanAction.Reclaim.class))
                    .extracting(PlanAction.Reclaim::node)
                    .containsExactly("ours");
            assertThat(plan.actionsOf(PlanAction.Terminate.class)).isEmpty();
        }

        @Test
        void desiredAboveExistingInstancesIsCapacityOnItsWay() {
            // Desired 2, no instance yet: a slow launch must not make the scaler order twice.
            CloudGroup asked = new CloudGroup("asg", 2, 0, 10, List.of(), List.of(), false);
            GroupPlan plan = Planner.plan(spec(G), index(List.of(), pendingPods(8, cpuMem(1000, GI))), asked, T0);

            assertThat(plan.actionsOf(PlanAction.ScaleUp.class)).isEmpty();
            assertThat(plan.launching()).isEqualTo(2);
        }

        @Test
        void pendingInstancesAndNotReadyNodesAreCapacityOnTheirWay() {
            NodeInfo booting = notReady(node("booting", G), T0.minusSeconds(30));
            CloudGroup cloud = withExtra(
                    cloudFor(List.of(booting), 0, 10),
                    2,
                    instance("i-new", LifecycleState.PENDING, T0.minusSeconds(20), true));
            GroupPlan plan =
                    Planner.plan(spec(G), index(List.of(booting), pendingPods(9, cpuMem(1000, GI))), cloud, T0);

            // 8 pods fit on the two machines on their way; the 9th needs exactly one more.
            assertThat(plan.actionsOf(PlanAction.ScaleUp.class))
                    .singleElement()
                    .satisfies(a -> assertThat(a.to()).isEqualTo(3));
        }

        @Test
        void daemonSetOverheadShrinksEveryNewNode() {
            DaemonSetInfo agent = new DaemonSetInfo(
                    "kube-system",
                    "agent",
                    cpuMem(1000, GI),
                    Map.of(),
                    List.of(new Toleration("", "Exists", null, null)));
            DaemonSetInfo elsewhere = new DaemonSetInfo(
                    "kube-system",
                    "other",
                    cpuMem(1000, GI),
                    Map.of(WellKnown.NODE_GROUP_LABEL, "gpu"),
                    List.of(new Toleration("", "Exists", null, null)));
            DaemonSetInfo intolerant = new DaemonSetInfo("kube-system", "plain", cpuMem(1000, GI), Map.of(), List.of());

            GroupPlan withAgent = Planner.plan(
                    spec(G),
                    index(List.of(), pendingPods(12, cpuMem(1000, GI)), List.of(agent, elsewhere, intolerant)),
                    EMPTY,
                    T0);
            GroupPlan without = Planner.plan(
                    spec(G),
                    index(List.of(), pendingPods(12, cpuMem(1000, GI)), List.of(elsewhere, intolerant)),
                    EMPTY,
                    T0);

            assertThat(withAgent.newNodesWanted()).isEqualTo(4); // 3 cpu free per node
            assertThat(without.newNodesWanted()).isEqualTo(3);
        }

        @Test
        void extendedResourcesAreADimensionOfTheirOwn() {
            GroupSpec gpu = spec("gpu", 0, 8, res("cpu", 8000, "memory", 61 * GI, WellKnown.RESOURCE_NVIDIA_GPU, 1000));
            List<PodInfo> pods = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                pods.add(pending("g" + i, "gpu", res("cpu", 1000, "memory", GI, WellKnown.RESOURCE_NVIDIA_GPU, 1000)));
            }
            GroupPlan plan = Planner.plan(gpu, index(List.of(), pods), EMPTY, T0);
            assertThat(plan.newNodesWanted()).isEqualTo(3); // cpu would fit 8 per node; one GPU each does not

            GroupPlan noGpu = Planner.plan(
                    spec(G),
                    index(List.of(), List.of(pending("g", G, res("cpu", 1000, WellKnown.RESOURCE_NVIDIA_GPU, 1000)))),
                    EMPTY,
                    T0);
            assertThat(noGpu.actionsOf(PlanAction.PodNeverFits.class)).hasSize(1);
            assertThat(noGpu.actionsOf(PlanAction.ScaleUp.class)).isEmpty();
        }

        @Test
        void podSlotsLimitNodesToo() {
            GroupSpec small = spec(G, 0, 10, res("cpu", 64_000, "memory", 256 * GI, "pods", 4000));
            GroupPlan plan = Planner.plan(small, index(List.of(), pendingPods(10, cpuMem(100, GI))), EMPTY, T0);
            assertThat(plan.newNodesWanted()).isEqualTo(3); // 4 pods per node
        }

        @Test
        void aGroupAtItsMaximumCountsTheNodesItsPodsWouldNeedAsFullAsOneByOne() {
            // 3 cpu each: one per 4-cpu node, 1 cpu left on each; the 1-cpu pods after them fill those nine gaps.
            List<PodInfo> pods = new ArrayList<>(pendingPods(9, cpuMem(3000, GI)));
            for (int i = 0; i < 9; i++) {
                pods.add(pending("small-" + i, G, cpuMem(1000, GI)));
            }
            GroupPlan plan = Planner.plan(spec(G, 0, 0, spec(G).shape()), index(List.of(), pods), EMPTY, T0);

            assertThat(plan.newNodesWanted()).isEqualTo(9);
            assertThat(plan.actionsOf(PlanAction.ScaleUp.class)).isEmpty();
            assertThat(plan.actionsOf(PlanAction.PodsWaiting.class))
                    .singleElement()
                    .satisfies(w -> {
                        assertThat(w.why()).isEqualTo(PlanAction.WaitReason.AT_MAX);
                        assertThat(w.pods()).hasSize(18);
                    });
        }

        @Test
        void capsAtTheLowerOfConfigAndCloudMax() {
            GroupPlan configCap = Planner.plan(
                    spec(G, 0, 5, spec(G).shape()), index(List.of(), pendingPods(40, cpuMem(1000, GI))), EMPTY, T0);
            assertThat(configCap.actionsOf(PlanAction.ScaleUp.class))
                    .singleElement()
                    .satisfies(a -> assertThat(a.to()).isEqualTo(5));

            CloudGroup cloudMax3 = new CloudGroup("asg", 0, 0, 3, List.of(), List.of(), false);
            GroupPlan cloudCap =
                    Planner.plan(spec(G), index(List.of(), pendingPods(40, cpuMem(1000, GI))), cloudMax3, T0);
            assertThat(cloudCap.actionsOf(PlanAction.ScaleUp.class))
                    .singleElement()
                    .satisfies(a -> assertThat(a.to()).isEqualTo(3));
        }

        @Test
        void raisesToTheMinimumWithoutPods() {
            GroupPlan plan = Planner.plan(spec(G, 2, 10, spec(G).shape()), index(List.of(), List.of()), EMPTY, T0);
            assertThat(plan.actionsOf(PlanAction.ScaleUp.class))
                    .singleElement()
                    .satisfies(a -> assertThat(a.to()).isEqualTo(2));
        }

        @Test
        void aPodTooBigForAnEmptyNodeIsReportedAndLaunchesNothing() {
            GroupPlan plan = Planner.plan(
                    spec(G),
                    index(List.of(), List.of(pending("huge", G, cpuMem(5000, GI)), pending("ok", G, cpuMem(1000, GI)))),
                    EMPTY,
                    T0);

            assertThat(plan.actionsOf(PlanAction.PodNeverFits.class))
                    .extracting(a -> a.pod().name())
                    .containsExactly("huge");
            assertThat(plan.neverFit()).isEqualTo(1);
            assertThat(plan.actionsOf(PlanAction.ScaleUp.class))
                    .singleElement()
                    .satisfies(a -> assertThat(a.to()).isEqualTo(1));
        }

        @Test
        void aPodThatFitsOnlyABiggerBusyNodeWaitsForItWithoutBeingReported() {
            // The group's usual node is 4 cpu; one 8-cpu node exists but is busy: the pod waits for it, no launch.
            NodeInfo small1 = node("s1", G);
            NodeInfo small2 = node("s2", G);
            NodeInfo big = node("big", G, res("cpu", 8000, "memory", 32 * GI, "pods", 110_000));
            List<PodInfo> pods = new ArrayList<>(List.of(
                    running("r", G, cpuMem(8000, GI), "big", T0),
                    running("r1", G, cpuMem(4000, GI), "s1", T0),
                    running("r2", G, cpuMem(4000, GI), "s2", T0)));
            pods.add(pending("six", G, cpuMem(6000, GI)));
            GroupPlan plan = Planner.plan(
                    spec(G),
                    index(List.of(small1, small2, big), pods),
                    cloudFor(List.of(small1, small2, big), 0, 10),
                    T0);
            assertThat(plan.actionsOf(PlanAction.PodNeverFits.class)).isEmpty();
            assertThat(plan.actionsOf(PlanAction.ScaleUp.class)).isEmpty();
        }

        @Test
        void learnsTheShapeFromExistingNodes() {
            // Config says 4 cpu, the nodes really have 8: two 3-cpu pods fit on one new node.
            NodeInfo big = node("big", G, res("cpu", 8000, "memory", 32 * GI, "pods", 110_000));
            List<PodInfo> pods = new ArrayList<>(List.of(running("r", G, cpuMem(8000, GI), "big", T0)));
            pods.addAll(pendingPods(2, cpuMem(3000, GI)));
            GroupPlan plan = Planner.plan(spec(G), index(List.of(big), pods), cloudFor(List.of(big), 0, 10), T0);
            assertThat(plan.newNodesWanted()).isEqualTo(1);
            assertThat(plan.neverFit()).isZero();
        }
    }

    @Nested
    class Pack {
        private final NodeInfo a = node("a", G);
        private final NodeInfo b = node("b", G);
        private final NodeInfo c = node("c", G);

        private List<PodInfo> load() {
            return List.of(
                    running("a1", G, cpuMem(1000, GI), "a", T0.minusSeconds(60)),
                    running("b1", G, cpuMem(1000, GI), "b", T0.minusSeconds(3600)),
                    running("b2", G, cpuMem(1000, GI), "b", T0.minusSeconds(3600)),
                    running("c1", G, cpuMem(1000, GI), "c", T0.minusSeconds(3600)),
                    running("c2", G, cpuMem(1000, GI), "c", T0.minusSeconds(3600)));
        }

        @Test
        void drainsTheNodeWithFewestJobPodsWhenTheyFitElsewhere() {
            GroupPlan plan =
                    Planner.plan(spec(G), index(List.of(a, b, c), load()), cloudFor(List.of(a, b, c), 0, 10), T0);
            assertThat(plan.actionsOf(PlanAction.SetDrain.class))
                    .singleElement()
                    .satisfies(d -> {
                        assertThat(d.node()).isEqualTo("a");
                        assertThat(d.state()).isEqualTo(DrainState.PREFER_NO_SCHEDULE);
                    });
        }

        @Test
        void prefersTheNodeWithYoungerJobPodsOnATie() {
            List<PodInfo> pods = List.of(
                    running("a1", G, cpuMem(1000, GI), "a", T0.minusSeconds(3600)),
                    running("b1", G, cpuMem(1000, GI), "b", T0.minusSeconds(60)),
                    running("c1", G, cpuMem(3000, GI), "c", T0.minusSeconds(7200)),
                    running("c2", G, cpuMem(1000, GI), "c", T0.minusSeconds(7200)));
            GroupPlan plan =
                    Planner.plan(spec(G), index(List.of(a, b, c), pods), cloudFor(List.of(a, b, c), 0, 10), T0);
            assertThat(plan.actionsOf(PlanAction.SetDrain.class))
                    .extracting(PlanAction.SetDrain::node)
                    .containsExactly("b");
        }

        /** Guards against draining by pod count alone when lanes' predictions say which node empties first. */
        @Test
        void drainsTheNodeWhosePodsAreExpectedToEndFirstThenUnknownOnesByTheOldRule() {
            List<PodInfo> pods = List.of(
                    running("a1", G, cpuMem(1000, GI), "a", T0.minusSeconds(60)).withExpectedEnd(T0.plusSeconds(7200)),
                    running("b1", G, cpuMem(1000, GI), "b", T0.minusSeconds(3600))
                            .withExpectedEnd(T0.plusSeconds(300)),
                    running("b2", G, cpuMem(1000, GI), "b", T0.minusSeconds(3600))
                            .withExpectedEnd(T0.plusSeconds(600)),
                    running("c1", G, cpuMem(1000, GI), "c", T0.minusSeconds(3600))
                            .withExpectedEnd(T0.plusSeconds(60)),
                    running("c2", G, cpuMem(1000, GI), "c", T0.minusSeconds(3600)));
            GroupPlan plan =
                    Planner.plan(spec(G), index(List.of(a, b, c), pods), cloudFor(List.of(a, b, c), 0, 10), T0);
            assertThat(plan.actionsOf(PlanAction.SetDrain.class))
                    .as("b's Jobs end in 10 minutes, a's in 2 hours; c has one Job nothing predicts")
                    .extracting(PlanAction.SetDrain::node)
                    .containsExactly("b");

            GroupPlan unknownOnly = Planner.plan(
                    spec(G),
                    index(
                            List.of(a, b, c),
                            load().stream().map(p -> p.withExpectedEnd(null)).toList()),
                    cloudFor(List.of(a, b, c), 0, 10),
                    T0);
            assertThat(unknownOnly.actionsOf(PlanAction.SetDrain.class))
                    .as("nothing predicted: fewest Job pods first, as before")
                    .extracting(PlanAction.SetDrain::node)
                    .containsExactly("a");
        }

        @Test
        void respectsMaxDrainingAndCountsNodesAlreadyDraining() {
            GroupPlan two = Planner.plan(
                    withMaxDraining(spec(G), 2),
                    index(List.of(a, b, c), load()),
                    cloudFor(List.of(a, b, c), 0, 10),
                    T0);
            assertThat(two.actionsOf(PlanAction.SetDrain.class))
                    .hasSizeLessThanOrEqualTo(2)
                    .isNotEmpty();

            NodeInfo aDraining = draining(a, DrainState.NO_SCHEDULE, T0.minusSeconds(10));
            GroupPlan full = Planner.plan(
                    spec(G), index(List.of(aDraining, b, c), load()), cloudFor(List.of(aDraining, b, c), 0, 10), T0);
            assertThat(full.actionsOf(PlanAction.SetDrain.class)).isEmpty();
        }

        @Test
        void aDrainBudgetOfZeroDrainsNothingWhileEmptyNodesStillGo() {
            NodeInfo empty = node("e", G);
            List<NodeInfo> nodes = List.of(a, b, c, empty);
            GroupPlan one = Planner.plan(spec(G), index(nodes, load()), cloudFor(nodes, 0, 10), T0);
            assertThat(one.actionsOf(PlanAction.SetDrain.class))
                    .as("the same world drains with the default budget")
                    .isNotEmpty();

            GroupPlan zero =
                    Planner.plan(withMaxDraining(spec(G), 0), index(nodes, load()), cloudFor(nodes, 0, 10), T0);
            assertThat(zero.actionsOf(PlanAction.SetDrain.class)).isEmpty();
            assertThat(zero.actionsOf(PlanAction.MarkUnneeded.class))
                    .extracting(PlanAction.MarkUnneeded::node)
                    .containsExactly("e");
        }

        @Test
        void neverDrainsBelowTheMinimum() {
            GroupPlan plan = Planner.plan(
                    spec(G, 3, 10, spec(G).shape()),
                    index(List.of(a, b, c), load()),
                    cloudFor(List.of(a, b, c), 0, 10),
                    T0);
            assertThat(plan.actionsOf(PlanAction.SetDrain.class)).isEmpty();
        }

        @Test
        void neverDrainsWhileTheGroupIsGrowing() {
            List<PodInfo> pods = new ArrayList<>(load());
            pods.add(pending("big", G, cpuMem(4000, GI))); // needs a new node
            GroupPlan plan =
                    Planner.plan(spec(G), index(List.of(a, b, c), pods), cloudFor(List.of(a, b, c), 0, 10), T0);
            assertThat(plan.actionsOf(PlanAction.ScaleUp.class)).hasSize(1);
            assertThat(plan.actionsOf(PlanAction.SetDrain.class)).isEmpty();
        }

        @Test
        void doesNotDrainWhenThePodsWouldNotFitElsewhere() {
            List<PodInfo> full = List.of(
                    running("a1", G, cpuMem(3000, GI), "a", T0),
                    running("b1", G, cpuMem(3000, GI), "b", T0),
                    running("c1", G, cpuMem(3000, GI), "c", T0));
            GroupPlan plan =
                    Planner.plan(spec(G), index(List.of(a, b, c), full), cloudFor(List.of(a, b, c), 0, 10), T0);
            assertThat(plan.actionsOf(PlanAction.SetDrain.class)).isEmpty();
        }

        @Test
        void skipsNodesWithScaleDownDisabled() {
            NodeInfo keep = scaleDownDisabled(a);
            GroupPlan plan =
                    Planner.plan(spec(G), index(List.of(keep, b, c), load()), cloudFor(List.of(keep, b, c), 0, 10), T0);
            assertThat(plan.actionsOf(PlanAction.SetDrain.class))
                    .extracting(PlanAction.SetDrain::node)
                    .doesNotContain("a");
        }

        @Test
        void commitsANudgeAfterTheSettleDelay() {
            NodeInfo nudged = draining(a, DrainState.PREFER_NO_SCHEDULE, T0.minusSeconds(31));
            NodeInfo fresh = draining(b, DrainState.PREFER_NO_SCHEDULE, T0.minusSeconds(5));
            GroupPlan plan = Planner.plan(
                    withMaxDraining(spec(G), 2),
                    index(List.of(nudged, fresh, c), load()),
                    cloudFor(List.of(nudged, fresh, c), 0, 10),
                    T0);
            assertThat(plan.actionsOf(PlanAction.SetDrain.class))
                    .containsExactly(new PlanAction.SetDrain(
                            "a",
                            DrainState.NO_SCHEDULE,
                            PlanAction.DrainReason.STILL_UNNEEDED,
                            plan.actionsOf(PlanAction.SetDrain.class).get(0).reason()));
        }
    }

    @Nested
    class ScaleIn {
        private final Duration delay = Duration.ofMinutes(10);

        @Test
        void startsTheUnneededTimerOnAnEmptyNode() {
            NodeInfo n = node("n", G);
            GroupPlan plan = Planner.plan(spec(G), index(List.of(n), List.of()), cloudFor(List.of(n), 0, 10), T0);
            assertThat(plan.actionsOf(PlanAction.MarkUnneeded.class))
                    .singleElement()
                    .satisfies(a -> assertThat(a.since()).isEqualTo(T0));
            assertThat(plan.actionsOf(PlanAction.Cordon.class)).isEmpty();
        }

        @Test
        void cordonsOnlyAfterTheScaleDownDelay() {
            NodeInfo early = unneededSince(node("early", G), T0.minus(delay).plusSeconds(1));
            NodeInfo due = unneededSince(node("due", G), T0.minus(delay));
            GroupPlan plan = Planner.plan(
                    spec(G), index(List.of(early, due), List.of()), cloudFor(List.of(early, due), 0, 10), T0);
            assertThat(plan.actionsOf(PlanAction.Cordon.class))
                    .extracting(PlanAction.Cordon::node, PlanAction.Cordon::why)
                    .containsExactly(tuple("due", PlanAction.CordonReason.UNNEEDED));
        }

        /** The simulator skips scans until this deadline: a wrong one would hold a node past its delay. */
        @Test
        void reportsWhenTheNextDelayRunsOut() {
            NodeInfo early = unneededSince(node("early", G), T0.minus(delay).plusSeconds(1));
            NodeInfo later = unneededSince(node("later", G), T0.minus(delay).plusSeconds(30));
            GroupPlan plan = Planner.plan(
                    spec(G), index(List.of(early, later), List.of()), cloudFor(List.of(early, later), 0, 10), T0);
            assertThat(plan.actions()).isEmpty();
            assertThat(plan.nextDeadline()).isEqualTo(T0.plusSeconds(1));

            GroupPlan atDeadline = Planner.plan(
                    spec(G),
                    index(List.of(early, later), List.of()),
                    cloudFor(List.of(early, later), 0, 10),
                    T0.plusSeconds(1));
            assertThat(atDeadline.actionsOf(PlanAction.Cordon.class))
                    .extracting(PlanAction.Cordon::node)
                    .containsExactly("early");
            assertThat(atDeadline.nextDeadline()).isEqualTo(T0.plusSeconds(30));
        }

        @Test
        void cordonsADrainedNodeAsSoonAsItIsEmpty() {
            NodeInfo drained = draining(node("d", G), DrainState.NO_SCHEDULE, T0.minusSeconds(60));
            GroupPlan plan = Planner.plan(
                    spec(G),
                    index(List.of(drained), List.of(running("x", G, cpuMem(1, 1), "elsewhere", T0))),
                    cloudFor(List.of(drained), 0, 10),
                    T0);
            assertThat(plan.actionsOf(PlanAction.Cordon.class))
                    .extracting(PlanAction.Cordon::node)
                    .containsExactly("d");
        }

        @Test
        void terminatesOurCordonedEmptyNodeAfterTheSettleDelay() {
            NodeInfo settled = cordonedByJoblane(node("s", G), T0.minusSeconds(30));
            NodeInfo settling = cordonedByJoblane(node("t", G), T0.minusSeconds(29));
            GroupPlan plan = Planner.plan(
                    spec(G),
                    index(List.of(settled, settling), List.of()),
                    cloudFor(List.of(settled, settling), 0, 10),
                    T0);
            assertThat(plan.actionsOf(PlanAction.Terminate.class))
                    .singleElement()
                    .satisfies(t -> {
                        assertThat(t.node()).isEqualTo("s");
                        assertThat(t.instanceId()).isEqualTo("i-s");
                    });
        }

        @Test
        void aPodOnACordonedNodeUncordonsItInsteadOfTerminating() {
            NodeInfo settled = cordonedByJoblane(node("s", G), T0.minusSeconds(300));
            GroupPlan plan = Planner.plan(
                    spec(G),
                    index(List.of(settled), List.of(running("late", G, cpuMem(1000, GI), "s", T0))),
                    cloudFor(List.of(settled), 0, 10),
                    T0);
            assertThat(plan.actionsOf(PlanAction.Terminate.class)).isEmpty();
            assertThat(plan.actionsOf(PlanAction.Uncordon.class))
                    .extracting(PlanAction.Uncordon::node, PlanAction.Uncordon::why)
                    .containsExactly(tuple("s", PlanAction.UncordonReason.POD_BOUND));
        }

        @Test
        void aBusyCordonedNodeWhoseInstanceIsTerminatingIsNeverUncordoned() {
            // Guards against reopening a node in Terminating:Wait: Job pods landing there die with the instance.
            NodeInfo leaving = cordonedByJoblane(node("s", G), T0.minusSeconds(300));
            CloudGroup g = new CloudGroup(
                    "asg",
                    0,
                    0,
                    10,
                    List.of(instance("i-s", LifecycleState.TERMINATING, T0.minusSeconds(3600), false)),
                    List.of(),
                    false);
            GroupPlan plan = Planner.plan(
                    spec(G), index(List.of(leaving), List.of(running("stray", G, cpuMem(100, GI), "s", T0))), g, T0);
            assertThat(plan.actions())
                    .noneMatch(a -> a instanceof PlanAction.Uncordon
                            || a instanceof PlanAction.Reclaim
                            || a instanceof PlanAction.Terminate
                            || a instanceof PlanAction.ClearCordonMark);
        }

        @Test
        void anUncordonedNodeWhoseInstanceIsLeavingIsFencedNeverUsed() {
            // Guards against a kubelet that joins after its instance began terminating: an open node Jobs die on.
            NodeInfo late = node("late", G);
            CloudGroup g = new CloudGroup(
                    "asg",
                    0,
                    0,
                    10,
                    List.of(instance("i-late", LifecycleState.TERMINATING, T0.minusSeconds(600), false)),
                    List.of(),
                    false);
            GroupPlan plan = Planner.plan(spec(G), index(List.of(late), pendingPods(2, cpuMem(1000, GI))), g, T0);
            assertThat(plan.actionsOf(PlanAction.Cordon.class))
                    .extracting(PlanAction.Cordon::node, PlanAction.Cordon::why)
                    .containsExactly(tuple("late", PlanAction.CordonReason.INSTANCE_LEAVING));
            assertThat(plan.actions())
                    .noneMatch(a -> a instanceof PlanAction.Uncordon
                            || a instanceof PlanAction.Reclaim
                            || a instanceof PlanAction.Terminate);
        }

        @Test
        void aNodeMarkedForTerminationIsNeverReopenedNorReclaimedEvenIfTheCloudStillListsItInService() {
            // Guards against a stale describe (or a failed-after-acting call) making a dying node capacity again.
            NodeInfo c = cordonedByJoblane(node("s", G), T0.minusSeconds(300));
            NodeInfo marked = new NodeInfo(
                    c.name(),
                    c.group(),
                    c.instanceId(),
                    c.allocatable(),
                    c.ready(),
                    c.created(),
                    true,
                    true,
                    DrainState.NO_SCHEDULE,
                    false,
                    null,
                    c.cordonedAt(),
                    null,
                    T0.minusSeconds(20),
                    null,
                    null,
                    null,
                    Map.of(),
                    List.of());
            NodeInfo busy = node("b", G);
            List<PodInfo> pods = new java.util.ArrayList<>(pendingPods(3, cpuMem(1000, GI)));
            pods.add(running("stray", G, cpuMem(100, GI), "s", T0));
            pods.add(running("job", G, cpuMem(1000, GI), "b", T0));
            GroupPlan plan = Planner.plan(
                    spec(G), index(List.of(marked, busy), pods), cloudFor(List.of(marked, busy), 0, 10), T0);
            assertThat(plan.actions())
                    .noneMatch(a -> a instanceof PlanAction.Uncordon
                            || a instanceof PlanAction.Reclaim
                            || a instanceof PlanAction.Terminate);
            // Once empty, only its termination is retried.
            GroupPlan empty = Planner.plan(
                    spec(G),
                    index(List.of(marked, busy), List.of(running("job", G, cpuMem(1000, GI), "b", T0))),
                    cloudFor(List.of(marked, busy), 0, 10),
                    T0);
            assertThat(empty.actionsOf(PlanAction.Terminate.class))
                    .extracting(PlanAction.Terminate::node)
                    .containsExactly("s");
        }

        @Test
        void daemonSetAndMirrorPodsDoNotKeepANodeButOtherPodsDo() {
            NodeInfo n = unneededSince(node("n", G), T0.minus(delay));
            PodInfo mirror = new PodInfo(
                    "m",
                    "kube-system",
                    "static",
                    null,
                    cpuMem(100, 0),
                    PodPhase.RUNNING,
                    false,
                    false,
                    true,
                    "n",
                    T0,
                    T0,
                    null,
                    Map.of(),
                    PodConstraints.NONE);
            GroupPlan free = Planner.plan(
                    spec(G),
                    index(List.of(n), List.of(Fixtures.daemonPod("ds", "n"), mirror)),
                    cloudFor(List.of(n), 0, 10),
                    T0);
            assertThat(free.actionsOf(PlanAction.Cordon.class)).hasSize(1);

            PodInfo other = new PodInfo(
                    "o",
                    "default",
                    "web",
                    null,
                    cpuMem(100, 0),
                    PodPhase.PENDING_BOUND,
                    false,
                    false,
                    false,
                    "n",
                    T0,
                    null,
                    null,
                    Map.of(),
                    PodConstraints.NONE);
            GroupPlan kept = Planner.plan(spec(G), index(List.of(n), List.of(other)), cloudFor(List.of(n), 0, 10), T0);
            assertThat(kept.actionsOf(PlanAction.Cordon.class)).isEmpty();
            assertThat(kept.actionsOf(PlanAction.MarkUnneeded.class))
                    .singleElement()
                    .satisfies(a -> assertThat(a.since()).isNull());
        }

        @Test
        void leavesHumanCordonsAndScaleDownDisabledNodesAlone() {
            NodeInfo human = unneededSince(cordonedByHuman(node("h", G)), T0.minus(delay));
            NodeInfo disabled = unneededSince(scaleDownDisabled(node("d", G)), T0.minus(delay));
            GroupPlan plan = Planner.plan(
                    spec(G), index(List.of(human, disabled), List.of()), cloudFor(List.of(human, disabled), 0, 10), T0);
            assertThat(plan.actions())
                    .noneMatch(a -> a instanceof PlanAction.Cordon
                            || a instanceof PlanAction.Terminate
                            || a instanceof PlanAction.MarkUnneeded
                            || a instanceof PlanAction.SetDrain);
        }

        @Test
        void keepsTheMinimum() {
            NodeInfo n1 = unneededSince(node("n1", G), T0.minus(delay));
            NodeInfo n2 = unneededSince(node("n2", G), T0.minus(delay));
            GroupPlan plan = Planner.plan(
                    spec(G, 1, 10, spec(G).shape()),
                    index(List.of(n1, n2), List.of()),
                    cloudFor(List.of(n1, n2), 0, 10),
                    T0);
            assertThat(plan.actionsOf(PlanAction.Cordon.class)).hasSize(1);

            NodeInfo last = cordonedByJoblane(node("last", G), T0.minusSeconds(300));
            GroupPlan atMin = Planner.plan(
                    spec(G, 1, 10, spec(G).shape()),
                    index(List.of(last), List.of()),
                    cloudFor(List.of(last), 0, 10),
                    T0);
            assertThat(atMin.actionsOf(PlanAction.Terminate.class)).isEmpty();
            assertThat(atMin.actionsOf(PlanAction.Uncordon.class))
                    .extracting(PlanAction.Uncordon::why)
                    .containsExactly(PlanAction.UncordonReason.AT_MINIMUM);
        }

        @Test
        void neverTerminatesANodeWhoseInstanceIsNotInTheGroup() {
            NodeInfo stray = cordonedByJoblane(node("stray", G), T0.minusSeconds(300));
            GroupPlan plan = Planner.plan(spec(G), index(List.of(stray), List.of()), EMPTY, T0);
            assertThat(plan.actionsOf(PlanAction.Terminate.class)).isEmpty();
        }
    }

    @Test
    void aJobPodThatAlsoClaimsADaemonSetOwnerKeepsItsNodeBusy() {
        // Guards against a Job pod with a DaemonSet owner reference being dropped as overhead: its node looked empty.
        NodeInfo n = unneededSince(node("n", G), T0.minusSeconds(3600));
        PodInfo r = running("job", G, cpuMem(1000, GI), "n", T0);
        PodInfo both = new PodInfo(
                r.uid(),
                r.namespace(),
                r.name(),
                r.group(),
                r.requests(),
                r.phase(),
                true,
                true,
                false,
                r.nodeName(),
                r.created(),
                r.started(),
                null,
                Map.of(),
                PodConstraints.NONE);
        GroupPlan plan = Planner.plan(
                spec(G),
                index(List.of(n, node("other", G)), List.of(both)),
                cloudFor(List.of(n, node("other", G)), 0, 10),
                T0);
        assertThat(plan.actionsOf(PlanAction.Cordon.class))
                .extracting(PlanAction.Cordon::node)
                .doesNotContain("n");
        assertThat(plan.actionsOf(PlanAction.MarkUnneeded.class))
                .extracting(PlanAction.MarkUnneeded::node)
                .contains("n");
    }

    @Test
    void ourCordonIsLiftedWhenScaleDownIsDisabledAfterwards() {
        // Guards against a node marked scale-down-disabled after our cordon staying cordoned forever.
        NodeInfo n = scaleDownDisabled(cordonedByJoblane(node("n", G), T0.minusSeconds(3600)));
        GroupPlan plan = Planner.plan(
                spec(G),
                index(List.of(n, node("other", G)), List.of()),
                cloudFor(List.of(n, node("other", G)), 0, 10),
                T0);
        assertThat(plan.actionsOf(PlanAction.Uncordon.class))
                .extracting(PlanAction.Uncordon::node, PlanAction.Uncordon::why)
                .containsExactly(tuple("n", PlanAction.UncordonReason.SCALE_DOWN_DISABLED));
        assertThat(plan.actionsOf(PlanAction.Terminate.class)).isEmpty();
    }

    @Test
    void aCordonMarkOnANodeThatIsNotCordonedIsCleared() {
        // Guards against a mark left by kubectl uncordon making a later human cordon look like the scaler's.
        NodeInfo n = node("n", G);
        NodeInfo stale = new NodeInfo(
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
                T0.minusSeconds(3600),
                null,
                null,
                null,
                null,
                null,
                Map.of(),
                List.of());
        GroupPlan plan = Planner.plan(
                spec(G),
                index(List.of(stale, node("other", G)), List.of()),
                cloudFor(List.of(stale, node("other", G)), 0, 10),
                T0);
        assertThat(plan.actionsOf(PlanAction.ClearCordonMark.class))
                .extracting(PlanAction.ClearCordonMark::node)
                .containsExactly("n");
    }

    @Nested
    class Cloud {
        @Test
        void protectsInstancesThatLackProtection() {
            CloudGroup g = new CloudGroup(
                    "asg",
                    2,
                    0,
                    10,
                    List.of(
                            instance("i-1", LifecycleState.IN_SERVICE, T0, false),
                            instance("i-2", LifecycleState.IN_SERVICE, T0, true)),
                    List.of(),
                    false);
            GroupPlan plan = Planner.plan(spec(G), index(List.of(), List.of()), g, T0);
            assertThat(plan.actionsOf(PlanAction.Protect.class))
                    .singleElement()
                    .satisfies(p -> assertThat(p.instanceIds()).containsExactly("i-1"));
        }

        @Test
        void reportsThenTerminatesAnInstanceThatNeverBecomesANode() {
            CloudGroup late = new CloudGroup(
                    "asg",
                    2,
                    0,
                    10,
                    List.of(
                            instance("i-late", LifecycleState.IN_SERVICE, T0.minus(Duration.ofMinutes(20)), true),
                            instance("i-dead", LifecycleState.IN_SERVICE, T0.minus(Duration.ofMinutes(31)), true)),
                    List.of(),
                    false);
            // Watched without a node since launch.
            Map<String, Instant> since =
                    Map.of("i-late", T0.minus(Duration.ofMinutes(20)), "i-dead", T0.minus(Duration.ofMinutes(31)));
            GroupPlan plan = Planner.plan(spec(G), index(List.of(), List.of()), late, T0, since);
            assertThat(plan.actionsOf(PlanAction.InstanceUnregistered.class))
                    .extracting(PlanAction.InstanceUnregistered::instanceId)
                    .containsExactly("i-late");
            assertThat(plan.actionsOf(PlanAction.TerminateUnregistered.class))
                    .extracting(PlanAction.TerminateUnregistered::instanceId)
                    .containsExactly("i-dead");
        }

        @Test
        void anOldInstanceWhoseNodeJustVanishedIsReportedNotTerminated() {
            // Guards against terminating at once an old instance whose node vanished (age counted from launch).
            CloudGroup g = new CloudGroup(
                    "asg",
                    2,
                    0,
                    10,
                    List.of(
                            instance("i-old", LifecycleState.IN_SERVICE, T0.minus(Duration.ofDays(3)), true),
                            instance("i-restart", LifecycleState.IN_SERVICE, T0.minus(Duration.ofDays(3)), true)),
                    List.of(),
                    false);
            GroupPlan plan = Planner.plan(
                    spec(G),
                    index(List.of(), List.of()),
                    g,
                    T0,
                    Map.of("i-old", T0.minus(Duration.ofMinutes(5)))); // i-restart: not seen before (a restart)
            assertThat(plan.actionsOf(PlanAction.TerminateUnregistered.class)).isEmpty();
            assertThat(plan.actionsOf(PlanAction.InstanceUnregistered.class))
                    .extracting(PlanAction.InstanceUnregistered::instanceId)
                    .containsExactlyInAnyOrder("i-old", "i-restart");
        }

        @Test
        void unregisteredTerminationsTogetherNeverGoBelowTheMinimum() {
            // Guards against each unregistered termination checking the minimum alone (three dead, min 2, desired 4).
            Instant launched = T0.minus(Duration.ofHours(2));
            NodeInfo settled = cordonedByJoblane(node("settled", G), T0.minus(Duration.ofMinutes(10)));
            CloudGroup g = new CloudGroup(
                    "asg",
                    4,
                    0,
                    10,
                    List.of(
                            instance("i-a", LifecycleState.IN_SERVICE, launched, true),
                            instance("i-b", LifecycleState.IN_SERVICE, launched, true),
                            instance("i-c", LifecycleState.IN_SERVICE, launched, true),
                            instance(settled.instanceId(), LifecycleState.IN_SERVICE, launched, true)),
                    List.of(),
                    false);
            GroupPlan plan = Planner.plan(
                    spec(G, 2, 10, spec(G).shape()),
                    index(List.of(settled), List.of()),
                    g,
                    T0,
                    Map.of("i-a", launched, "i-b", launched, "i-c", launched));
            assertThat(plan.actionsOf(PlanAction.TerminateUnregistered.class)).hasSize(2);
            assertThat(plan.actionsOf(PlanAction.Terminate.class)).isEmpty();
        }

        @Test
        void terminatingInstancesAreNotCapacity() {
            NodeInfo leaving = node("leaving", G);
            CloudGroup g = new CloudGroup(
                    "asg",
                    0,
                    0,
                    10,
                    List.of(instance("i-leaving", LifecycleState.TERMINATING, T0, false)),
                    List.of(),
                    false);
            GroupPlan plan = Planner.plan(spec(G), index(List.of(leaving), pendingPods(1, cpuMem(1000, GI))), g, T0);
            assertThat(plan.actionsOf(PlanAction.ScaleUp.class))
                    .singleElement()
                    .satisfies(a -> assertThat(a.to()).isEqualTo(1));
        }
    }
}
