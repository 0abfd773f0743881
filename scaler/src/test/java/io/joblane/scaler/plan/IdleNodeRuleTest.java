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
import java.time.Instant;
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
        return new PodInfo(
                "uid-" + name,
                "default",
                name,
                G,
                res("cpu", 2000, "memory", GI),
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
            NodeInfo fresh = node("fresh", G); // its timer starts this scan
            List<NodeInfo> nodes = List.of(busy, idle, fresh);
            List<PodInfo> pods = List.of(arrived("long-ago", 3600, "busy"));
            GroupPlan plan = Planner.plan(cost(), index(nodes, pods), cloudFor(nodes, 0, 10), T0);
            assertThat(plan.actionsOf(PlanAction.Cordon.class))
                    .extracting(PlanAction.Cordon::node, PlanAction.Cordon::why)
                    .containsExactly(tuple("idle", PlanAction.CordonReason.NOT_NEEDED_SOON));
            assertThat(plan.actionsOf(PlanAction.MarkUnneeded.class))
                    .extracting(PlanAction.MarkUnneeded::node)
                    .containsExactly("fresh");
            // Fixed timing (the old rule) keeps both for the scale-down delay.
            assertThat(Planner.plan(spec(G), index(nodes, pods), cloudFor(nodes, 0, 10), T0)
                            .actionsOf(PlanAction.Cordon.class))
                    .isEmpty();
        }

        @Test
        void theNodesTheArrivalRateNeedsWaitOneBootDelayTheOthersGoAtOnce() {
            // Guards against keeping a node the arrival rate needs for the whole scale-down delay: past one boot
            // delay, a node launched when the pod came would have been as quick (the ski-rental break-even).
            NodeInfo older = unneededSince(node("older", G), T0.minusSeconds(300));
            NodeInfo recent = unneededSince(node("recent", G), T0.minusSeconds(60));
            List<NodeInfo> nodes = List.of(busy, older, recent);
            List<PodInfo> pods = arrivals(12, "busy", 500); // λ·B = 0.9: keep one
            GroupPlan plan = Planner.plan(cost(), index(nodes, pods), cloudFor(nodes, 0, 10), T0);
            assertThat(plan.actionsOf(PlanAction.Cordon.class))
                    .extracting(PlanAction.Cordon::node, PlanAction.Cordon::why)
                    .containsExactly(tuple("older", PlanAction.CordonReason.NOT_NEEDED_SOON));
            Instant pastBoot = T0.minusSeconds(60).plus(BOOT);
            assertThat(plan.nextDeadline()).isEqualTo(pastBoot);
            assertThat(Planner.plan(
                                    cost(),
                                    index(List.of(busy, recent), pods),
                                    cloudFor(List.of(busy, recent), 0, 10),
                                    pastBoot)
                            .actionsOf(PlanAction.Cordon.class))
                    .extracting(PlanAction.Cordon::node, PlanAction.Cordon::why)
                    .containsExactly(tuple("recent", PlanAction.CordonReason.IDLE_PAST_BOOT));
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
    void theRateIsInNodesPerSecond() {
        IdleNodeRule rule = IdleNodeRule.of(cost(), arrivals(2, "busy"), USABLE, T0);
        assertThat(rule.kept()).isEqualTo(1); // one node-equivalent in 600 s, λ·B = 0.15
        assertThat(IdleNodeRule.nodeEquivalents(res("cpu", 4000), USABLE)).isCloseTo(1.0, offset(1e-9));
    }
}
