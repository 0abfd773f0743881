package io.joblane.scaler.plan;

import static io.joblane.scaler.plan.Fixtures.GI;
import static io.joblane.scaler.plan.Fixtures.T0;
import static io.joblane.scaler.plan.Fixtures.cloudFor;
import static io.joblane.scaler.plan.Fixtures.index;
import static io.joblane.scaler.plan.Fixtures.node;
import static io.joblane.scaler.plan.Fixtures.res;
import static io.joblane.scaler.plan.Fixtures.spec;
import static io.joblane.scaler.plan.Fixtures.unneededSince;
import static io.joblane.scaler.plan.Fixtures.withCostTiming;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class IdleNodeRuleTest {
    private static final String G = "batch";
    private static final Duration BOOT = Duration.ofSeconds(90);
    private static final Duration DELAY = Duration.ofMinutes(10);
    /** A new node's usable capacity: 4 cpu, 16Gi, 100 pods. */
    private static final Resources USABLE = res("cpu", 4000, "memory", 16 * GI, "pods", 100_000);

    private static GroupSpec cost() {
        return withCostTiming(spec(G), BOOT);
    }

    /** A Job pod of 2 cpu (half a node) created {@code agoSeconds} before T0, running on {@code node}. */
    private static PodInfo arrived(String name, long agoSeconds, String node) {
        return arrived(name, agoSeconds, node, res("cpu", 2000, "memory", GI));
    }

    private static PodInfo arrived(String name, long agoSeconds, String node, Resources requests) {
        return new PodInfo(
                "uid-" + name,
                "default",
                name,
                G,
                requests,
                PodPhase.RUNNING,
                true,
                false,
                false,
                node,
                T0.minusSeconds(agoSeconds),
                T0.minusSeconds(agoSeconds),
                null,
                Map.of(),
                PodConstraints.NONE);
    }

    private static List<PodInfo> arrivals(int count, String node) {
        return arrivals(count, node, 60);
    }

    private static List<PodInfo> arrivals(int count, String node, long agoSeconds) {
        List<PodInfo> pods = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            pods.add(arrived("p" + i, agoSeconds, node));
        }
        return pods;
    }

    @Nested
    class Rate {
        @Test
        void aPodCountsTheShareOfANodeItTakesOnItsBindingResourceOrItsPodSlot() {
            assertThat(IdleNodeRule.nodeEquivalents(res("cpu", 1000, "memory", 8 * GI), USABLE))
                    .isEqualTo(0.5);
            assertThat(IdleNodeRule.nodeEquivalents(res("cpu", 1), USABLE)).isEqualTo(0.01);
            // A resource the node lacks cannot be its binding one (such a pod never fits and is reported elsewhere).
            assertThat(IdleNodeRule.nodeEquivalents(res("cpu", 2000, "nvidia.com/gpu", 1000), USABLE))
                    .isEqualTo(0.5);
        }

        @Test
        void onlyPodsCreatedWithinTheWindowAndNotFinishedCount() {
            long window = IdleNodeRule.ARRIVAL_WINDOW.toSeconds();
            PodInfo finished = new PodInfo(
                    "uid-f",
                    "default",
                    "f",
                    G,
                    res("cpu", 2000),
                    PodPhase.FINISHED,
                    true,
                    false,
                    false,
                    "n",
                    T0.minusSeconds(10),
                    T0.minusSeconds(10),
                    null,
                    Map.of(),
                    PodConstraints.NONE);
            List<PodInfo> pods = new ArrayList<>(arrivals(12, "busy")); // 6 node-equivalents
            pods.add(arrived("old", window, "busy"));
            pods.add(finished);
            IdleNodeRule rule = IdleNodeRule.of(cost(), pods, USABLE, T0);
            // λ = 6 / 600 s, λ·B = 0.9: one empty node is expected to be needed before a new one could boot.
            assertThat(rule.kept()).isEqualTo(1);
            assertThat(rule.rateDropsAt()).isEqualTo(T0.minusSeconds(60).plus(IdleNodeRule.ARRIVAL_WINDOW));
            assertThat(IdleNodeRule.of(cost(), arrivals(14, "busy"), USABLE, T0).kept())
                    .isEqualTo(2); // 7·90/600 = 1.05
            assertThat(IdleNodeRule.of(cost(), List.of(), USABLE, T0).kept()).isZero();
        }
    }

    @Nested
    class Delays {
        private final NodeInfo older = unneededSince(node("older", G), T0.minusSeconds(300));
        private final NodeInfo recent = unneededSince(node("recent", G), T0.minusSeconds(100));
        private final NodeInfo fresh = node("fresh", G); // its timer starts this scan: the most recent of all

        @Test
        void theMostRecentlyEmptiedNodesTheRateNeedsWaitOneBootDelayTheOthersNothing() {
            IdleNodeRule rule = new IdleNodeRule(BOOT, DELAY, true, 1.5 / 90, null); // λ·B = 1.5: keep 2
            assertThat(rule.delays(List.of(older, recent, fresh)))
                    .containsEntry("fresh", BOOT)
                    .containsEntry("recent", BOOT)
                    .containsEntry("older", Duration.ZERO);
        }

        @Test
        void withoutArrivalsEveryEmptyNodeGoesAtOnce() {
            IdleNodeRule rule = new IdleNodeRule(BOOT, DELAY, true, 0, null);
            assertThat(rule.kept()).isZero();
            assertThat(rule.delays(List.of(older, recent)).values()).containsOnly(Duration.ZERO);
        }

        @Test
        void theScaleDownDelayStaysTheUpperBound() {
            IdleNodeRule rule = new IdleNodeRule(Duration.ofMinutes(20), DELAY, true, 1.0 / 1200, null);
            assertThat(rule.delays(List.of(older)).values()).containsOnly(DELAY);
        }

        @Test
        void fixedTimingWaitsTheScaleDownDelayForEveryNode() {
            IdleNodeRule rule = IdleNodeRule.of(spec(G), List.of(), USABLE, T0);
            assertThat(rule.delays(List.of(older, recent, fresh)).values()).containsOnly(DELAY);
            assertThat(rule.kept()).isZero();
        }
    }

    /** The one call from scale-in, through the whole planning pass. */
    @Nested
    class ThroughThePlanner {
        private final NodeInfo busy = node("busy", G);

        @Test
        void anEmptyNodeNoArrivalNeedsGoesAtOnceNotAfterTheScaleDownDelay() {
            // Guards against the fixed 10-minute wait for a node no arrival is expected to need.
            NodeInfo idle = unneededSince(node("idle", G), T0.minusSeconds(10));
            List<NodeInfo> nodes = List.of(busy, idle);
            List<PodInfo> pods = List.of(arrived("long-ago", 3600, "busy"));
            GroupPlan plan = Planner.plan(cost(), index(nodes, pods), cloudFor(nodes, 0, 10), T0);
            assertThat(plan.actionsOf(PlanAction.Cordon.class))
                    .extracting(PlanAction.Cordon::node, PlanAction.Cordon::why)
                    .containsExactly(tuple("idle", PlanAction.CordonReason.NOT_NEEDED_SOON));
            // Fixed timing (the old rule) keeps it for the scale-down delay.
            assertThat(Planner.plan(spec(G), index(nodes, pods), cloudFor(nodes, 0, 10), T0)
                            .actionsOf(PlanAction.Cordon.class))
                    .isEmpty();
        }

        @Test
        void anEmptyNodeWithNoWaitDueIsCordonedAtFirstSight() {
            // Guards against a scan lost per emptied node: starting its timer first and cordoning it a scan later.
            NodeInfo fresh = node("fresh", G); // empty, no timer yet
            List<NodeInfo> nodes = List.of(busy, fresh);
            List<PodInfo> pods = List.of(arrived("long-ago", 3600, "busy"));
            GroupPlan plan = Planner.plan(cost(), index(nodes, pods), cloudFor(nodes, 0, 10), T0);
            assertThat(plan.actionsOf(PlanAction.Cordon.class))
                    .extracting(PlanAction.Cordon::node, PlanAction.Cordon::why)
                    .containsExactly(tuple("fresh", PlanAction.CordonReason.NOT_NEEDED_SOON));
            assertThat(plan.actionsOf(PlanAction.MarkUnneeded.class)).isEmpty();
            // A node the arrivals may need still starts its timer first.
            List<PodInfo> arriving = arrivals(12, "busy", 500); // λ·B = 0.9, no room on "busy": keep one
            GroupPlan keep = Planner.plan(cost(), index(nodes, arriving), cloudFor(nodes, 0, 10), T0);
            assertThat(keep.actionsOf(PlanAction.Cordon.class)).isEmpty();
            assertThat(keep.actionsOf(PlanAction.MarkUnneeded.class))
                    .extracting(PlanAction.MarkUnneeded::node)
                    .containsExactly("fresh");
        }

        @Test
        void arrivalsTheBusyNodesHaveRoomForKeepNoEmptyNode() {
            // Guards against keeping an empty node for arrivals that the packing scheduler puts on busy nodes first.
            NodeInfo full = node("full", G);
            NodeInfo other = node("other", G);
            NodeInfo recent = unneededSince(node("recent", G), T0.minusSeconds(60));
            List<NodeInfo> nodes = List.of(full, other, recent);
            List<PodInfo> arriving = arrivals(12, "full", 500); // λ·B = 0.9 node
            List<PodInfo> noRoom = new ArrayList<>(arriving);
            noRoom.add(arrived("big-old", 3600, "other", res("cpu", 4000, "memory", GI)));
            GroupPlan kept = Planner.plan(cost(), index(nodes, noRoom), cloudFor(nodes, 0, 10), T0);
            assertThat(kept.actionsOf(PlanAction.Cordon.class)).isEmpty(); // waits one boot delay
            List<PodInfo> room = new ArrayList<>(arriving);
            room.add(arrived("small-old", 3600, "other", res("cpu", 100, "memory", GI)));
            // "other" has 15 of 16Gi free, its scarcest resource: room 0.9375 > λ·B.
            GroupPlan plan = Planner.plan(cost(), index(nodes, room), cloudFor(nodes, 0, 10), T0);
            assertThat(plan.actionsOf(PlanAction.Cordon.class))
                    .extracting(PlanAction.Cordon::node, PlanAction.Cordon::why)
                    .containsExactly(tuple("recent", PlanAction.CordonReason.NOT_NEEDED_SOON));
        }

        @Test
        void neverBelowTheMinimum() {
            NodeInfo a = unneededSince(node("a", G), T0.minusSeconds(300));
            NodeInfo b = unneededSince(node("b", G), T0.minusSeconds(200));
            List<NodeInfo> nodes = List.of(a, b);
            GroupSpec atLeastOne = withCostTiming(spec(G, 1, 10, spec(G).shape()), BOOT);
            GroupPlan plan = Planner.plan(atLeastOne, index(nodes, List.of()), cloudFor(nodes, 0, 10), T0);
            assertThat(plan.actionsOf(PlanAction.Cordon.class)).hasSize(1);
        }
    }

    @Test
    void theRoomOfANodeIsItsScarcestFreeResourceAsAShareOfANewNode() {
        List<PodInfo> bound = List.of(arrived("a", 60, "n"), arrived("b", 60, "n")); // 4 cpu, 2Gi
        Resources large = res("cpu", 8000, "memory", 16 * GI, "pods", 110_000);
        assertThat(IdleNodeRule.freeShare(large, Resources.ZERO, Resources.sumOfRequests(bound), bound.size(), USABLE))
                .isCloseTo(0.875, offset(1e-9)); // memory 14 of 16Gi; cpu 4 of 4 would be a whole node
        Resources small = res("cpu", 4250, "memory", 16 * GI, "pods", 110_000);
        assertThat(IdleNodeRule.freeShare(small, res("cpu", 250), Resources.sumOfRequests(bound), bound.size(), USABLE))
                .isZero(); // cpu: 4.25 less 0.25 for the DaemonSets less 4 bound
        assertThat(new IdleNodeRule(BOOT, DELAY, true, 1.5 / 90, null, 0.6).kept())
                .isEqualTo(1); // ceil(1.5 − 0.6)
        assertThat(new IdleNodeRule(BOOT, DELAY, true, 1.5 / 90, null, 1.5).kept())
                .isZero();
    }

    @Test
    void theRateIsInNodesPerSecond() {
        IdleNodeRule rule = IdleNodeRule.of(cost(), arrivals(2, "busy"), USABLE, T0);
        assertThat(rule.kept()).isEqualTo(1); // one node-equivalent in 600 s, λ·B = 0.15
        assertThat(IdleNodeRule.nodeEquivalents(res("cpu", 4000), USABLE)).isCloseTo(1.0, offset(1e-9));
    }
}
