package io.joblane.scaler.plan;

import static io.joblane.scaler.plan.Fixtures.GI;
import static io.joblane.scaler.plan.Fixtures.T0;
import static io.joblane.scaler.plan.Fixtures.cloudFor;
import static io.joblane.scaler.plan.Fixtures.node;
import static io.joblane.scaler.plan.Fixtures.res;
import static io.joblane.scaler.plan.Fixtures.spec;
import static io.joblane.scaler.plan.Fixtures.unneededSince;
import static io.joblane.scaler.plan.Fixtures.withCostTiming;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The cost rule over loads kept from scan to scan (pods handed node by node, the same {@link NodePods} object while a
 * node's pods do not change): the arrival window, finished pods and the busy nodes' room follow this scan, never what
 * was derived at an earlier one.
 */
class IdleNodeRuleAcrossScansTest {
    private static final String G = "batch";
    private static final Duration BOOT = Duration.ofSeconds(90);
    private static final GroupSpec COST = withCostTiming(spec(G), BOOT);

    private static PodInfo job(String name, Instant created, PodPhase phase, Resources requests) {
        return new PodInfo(
                "uid-" + name,
                "default",
                name,
                G,
                requests,
                phase,
                true,
                false,
                false,
                "busy",
                created,
                created,
                null,
                Map.of(),
                PodConstraints.NONE);
    }

    /** Twelve Job pods of 2 cpu created {@code agoSeconds} before T0: λ·B = 0.9 node while they are in the window. */
    private static List<PodInfo> arrivals(long agoSeconds, PodPhase phase) {
        List<PodInfo> pods = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            pods.add(job("p" + i, T0.minusSeconds(agoSeconds), phase, res("cpu", 2000, "memory", GI)));
        }
        return pods;
    }

    private static SnapshotIndex index(List<NodeInfo> nodes, List<List<PodInfo>> byNode, SnapshotIndex previous) {
        return new SnapshotIndex(new ClusterSnapshot(T0, nodes, List.of(), List.of(), byNode), Map.of(), previous);
    }

    private static List<PlanAction.Cordon> cordons(GroupPlan plan) {
        return plan.actionsOf(PlanAction.Cordon.class);
    }

    @Test
    void anArrivalLeavesTheWindowWhileItsNodesLoadIsKept() {
        NodeInfo busy = node("busy", G);
        NodeInfo fresh = node("fresh", G); // empty, no timer yet
        List<NodeInfo> nodes = List.of(busy, fresh);
        NodePods onBusy = new NodePods(arrivals(500, PodPhase.RUNNING)); // no room left on "busy"
        SnapshotIndex first = index(nodes, List.of(onBusy, List.of()), null);
        GroupPlan kept = Planner.plan(COST, first, cloudFor(nodes, 0, 10), T0);
        assertThat(cordons(kept)).isEmpty(); // the arrivals may need it: it waits one boot delay

        // 200 s later the same pods (the same object, its load kept) were created 700 s ago: out of the window.
        Instant later = T0.plusSeconds(200);
        SnapshotIndex second = index(nodes, List.of(onBusy, List.of()), first);
        assertThat(second.loads(G)[0]).isSameAs(first.loads(G)[0]);
        GroupPlan plan = Planner.plan(COST, second, cloudFor(nodes, 0, 10), later);
        assertThat(cordons(plan))
                .extracting(PlanAction.Cordon::node, PlanAction.Cordon::why)
                .containsExactly(tuple("fresh", PlanAction.CordonReason.NOT_NEEDED_SOON));
        GroupPlan fromScratch = Planner.plan(
                COST,
                index(nodes, List.of(new NodePods(arrivals(500, PodPhase.RUNNING)), List.of()), null),
                cloudFor(nodes, 0, 10),
                later);
        assertThat(plan).isEqualTo(fromScratch);
    }

    @Test
    void finishedArrivalsStopCountingAtTheScanThatSeesThemFinished() {
        NodeInfo busy = node("busy", G);
        NodeInfo fresh = node("fresh", G);
        List<NodeInfo> nodes = List.of(busy, fresh);
        PodInfo old = job("old", T0.minusSeconds(3600), PodPhase.RUNNING, res("cpu", 4000, "memory", GI));
        List<PodInfo> running = new ArrayList<>(List.of(old));
        running.addAll(arrivals(60, PodPhase.RUNNING));
        SnapshotIndex first = index(nodes, List.of(new NodePods(running), List.of()), null);
        assertThat(cordons(Planner.plan(COST, first, cloudFor(nodes, 0, 10), T0)))
                .isEmpty();

        List<PodInfo> finished = new ArrayList<>(List.of(old)); // the same node, its arrivals done
        finished.addAll(arrivals(60, PodPhase.FINISHED));
        SnapshotIndex second = index(nodes, List.of(new NodePods(finished), List.of()), first);
        assertThat(cordons(Planner.plan(COST, second, cloudFor(nodes, 0, 10), T0)))
                .extracting(PlanAction.Cordon::node)
                .containsExactly("fresh");
    }

    @Test
    void theRoomOfAKeptLoadFollowsItsNodesAllocatable() {
        // "other" runs one small old pod; with 16Gi it has room for the arrivals (0.9375 > λ·B = 0.9), with 1.5Gi not.
        NodeInfo full = node("full", G);
        NodeInfo recent = unneededSince(node("recent", G), T0.minusSeconds(60));
        NodePods onFull = new NodePods(arrivals(500, PodPhase.RUNNING));
        List<PodInfo> small =
                List.of(job("small", T0.minusSeconds(3600), PodPhase.RUNNING, res("cpu", 100, "memory", GI)));
        NodePods onOther = new NodePods(small);
        NodeInfo roomy = node("other", G);
        List<NodeInfo> before = List.of(full, roomy, recent);
        SnapshotIndex first = index(before, List.of(onFull, onOther, List.of()), null);
        assertThat(cordons(Planner.plan(COST, first, cloudFor(before, 0, 10), T0)))
                .extracting(PlanAction.Cordon::node)
                .containsExactly("recent");

        NodeInfo cramped = node("other", G, res("cpu", 4000, "memory", 3 * GI / 2, "pods", 110_000));
        List<NodeInfo> after = List.of(full, cramped, recent);
        SnapshotIndex second = index(after, List.of(onFull, onOther, List.of()), first);
        assertThat(second.loads(G)[1]).isSameAs(first.loads(G)[1]); // kept, with its memoised room
        assertThat(cordons(Planner.plan(COST, second, cloudFor(after, 0, 10), T0)))
                .isEmpty();
    }

    @Test
    void theMemoisedFreeShareIsAnsweredAgainForOtherArguments() {
        NodeLoad load = new NodeLoad(null);
        load.add(job("a", T0, PodPhase.RUNNING, res("cpu", 1000, "memory", GI)));
        load = load.finish();
        Resources usable = res("cpu", 4000, "memory", 16 * GI, "pods", 100_000);
        Resources big = res("cpu", 4000, "memory", 16 * GI, "pods", 110_000);
        Resources small = res("cpu", 2000, "memory", 16 * GI, "pods", 110_000);
        for (Resources alloc : List.of(big, small, big)) {
            for (Resources overhead : List.of(Resources.ZERO, res("cpu", 500))) {
                assertThat(load.freeShare(alloc, overhead, usable))
                        .isEqualTo(IdleNodeRule.freeShare(alloc, overhead, load.requested(), 1, usable));
            }
        }
        Resources halfUsable = res("cpu", 2000, "memory", 8 * GI, "pods", 100_000);
        assertThat(load.freeShare(big, Resources.ZERO, halfUsable))
                .isEqualTo(IdleNodeRule.freeShare(big, Resources.ZERO, load.requested(), 1, halfUsable))
                .isNotEqualTo(load.freeShare(big, Resources.ZERO, usable));
    }

    /**
     * The arrival rate ranks idle nodes alone: a group with none is not woken when the rate falls (a node emptied later
     * is a change the loop sees anyway), and with one it is.
     */
    @Test
    void theFallingArrivalRateWakesTheLoopOnlyWhenANodeIsIdle() {
        NodeInfo busy = node("busy", G);
        NodePods onBusy = new NodePods(arrivals(500, PodPhase.RUNNING)); // λ·B = 0.9 node until T0 + 100 s
        List<NodeInfo> onlyBusy = List.of(busy);
        GroupPlan noneIdle = Planner.plan(COST, index(onlyBusy, List.of(onBusy), null), cloudFor(onlyBusy, 0, 10), T0);

        NodeInfo fresh = node("fresh", G); // empty: the rate keeps it
        List<NodeInfo> withIdle = List.of(busy, fresh);
        GroupPlan oneIdle =
                Planner.plan(COST, index(withIdle, List.of(onBusy, List.of()), null), cloudFor(withIdle, 0, 10), T0);

        assertThat(noneIdle.nextDeadline()).isNull();
        assertThat(oneIdle.nextDeadline()).isEqualTo(T0.plusSeconds(100));
    }
}
