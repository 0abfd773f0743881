package io.joblane.scaler.plan;

import io.joblane.scaler.cloud.CloudInstance;
import io.joblane.scaler.cloud.LifecycleState;
import io.joblane.scaler.plan.PlanAction.CordonReason;
import io.joblane.scaler.plan.PlanAction.TerminateReason;
import io.joblane.scaler.plan.PlanAction.UncordonReason;
import io.joblane.scaler.plan.PlanAction.UnneededReason;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Step "scale in" of the planning pass: fences nodes whose instance is leaving, cordons empty unneeded (or broken)
 * nodes within the cordon budget, terminates the scaler's cordoned nodes once settled, and gives nodes back when
 * they are needed again or the group is at its minimum.
 */
final class ScaleIn {
    private final PassInput in;
    /** Per node of the group, at its position: needed by waiting pods; drained by the pack step this scan. */
    private final boolean[] needed;

    private final boolean[] drainingNow;
    private final List<PlanAction> actions = new ArrayList<>();
    /** Desired after the terminations planned so far: never below the floor. */
    private int remainingDesired;
    /** Cordons still allowed this scan. */
    private int cordonable;

    /** What pods can use on a new node, and the DaemonSet overhead every node carries. */
    private final Resources usable;

    private final Resources overhead;
    private IdleNodeRule idleRule;
    /** Per idle node by position, how long it must have been empty before it is cordoned (null: not idle). */
    private Duration[] idleDelays;

    /**
     * {@code needed}: nodes waiting pods were placed on; {@code drainingNow}: nodes the pack step drains this scan;
     * {@code unregisteredTerminations}: instances cloud hygiene terminates this scan (they lower desired too);
     * {@code usable}: what pods can use on a new node (allocatable less DaemonSets), the unit of the arrival rate;
     * {@code overhead}: the DaemonSets' requests on every node.
     */
    ScaleIn(
            PassInput in,
            boolean[] needed,
            boolean[] drainingNow,
            int cordonedCount,
            int unregisteredTerminations,
            Resources usable,
            Resources overhead) {
        this.in = in;
        this.usable = usable;
        this.overhead = overhead;
        this.needed = needed;
        this.drainingNow = drainingNow;
        this.remainingDesired = in.cloud().desired() - unregisteredTerminations;
        this.cordonable = remainingDesired - cordonedCount - in.floor();
    }

    /** The idle nodes' delays as the cost rule ranks them; every kept position written, so none is stale. */
    private void rankIdle(ScaleInKept kept) {
        // The cost rule only: the room sums in the nodes' order.
        double room = in.spec().scaleInByCost() ? kept.room(drainingNow) : 0;
        List<PodInfo> arrivals = in.spec().scaleInByCost()
                ? in.index().jobPods(in.spec().name(), in.now().minus(IdleNodeRule.ARRIVAL_WINDOW))
                : List.of();
        idleRule = IdleNodeRule.of(in.spec(), arrivals, usable, in.now(), room);
        int keep = idleRule.keptCount();
        int rank = 0;
        int[] idle = kept.idle();
        for (int k = 0; k < kept.idleSize(); k++) {
            int at = idle[k];
            idleDelays[at] = !needed[at] && !drainingNow[at] ? idleRule.delayOfRank(rank++, keep) : null;
        }
        if (idleRule.kept() > 0 && idleRule.rateDropsAt() != null) {
            in.deadlines().reached(idleRule.rateDropsAt()); // a kept node may go once the rate falls
        }
    }

    /**
     * Plans the group's {@code nodes}; {@code loads} and {@code instances}, beside them one for one: what holds each
     * node and its instance (null when none). What each node's own objects decide is kept across scans
     * ({@link ScaleInKept}): only the nodes that are not quiet are walked, youngest first (oldest cordons settle
     * first; then youngest empty nodes are removed first), and a quiet node's step would do nothing.
     */
    List<PlanAction> plan(List<NodeInfo> nodes, NodeLoad[] loads, CloudInstance[] instances) {
        ScaleInKept kept = in.index().scaleInKept(in.spec().name());
        kept.update(nodes, loads, instances, overhead, usable, in.index());
        idleDelays = kept.delays();
        if (kept.idleSize() > 0) {
            rankIdle(kept); // the rule ranks idle nodes alone: without one it decides nothing and wakes nobody
        }
        int[] order = kept.order();
        for (int k = 0; k < kept.orderSize(); k++) {
            int at = order[k];
            node(nodes.get(at), loads[at], instances[at], at);
        }
        return actions;
    }

    /** Ready, schedulable, and neither protected nor on its way out. */
    static boolean open(NodeInfo n) {
        return n.ready() && !n.cordoned() && !n.scaleDownDisabled() && n.terminationRequestedAt() == null;
    }

    private void node(NodeInfo n, NodeLoad load, CloudInstance inst, int at) {
        // Decided first: a node whose instance is leaving, or whose termination was asked for, is never
        // reopened (a pod landing there dies with it), only its termination is retried.
        if (n.terminationRequestedAt() != null || leaving(inst)) {
            leaving(n, inst, load);
            return;
        }
        clearStaleCordonMark(n);
        if (n.cordonedByJoblane() && n.scaleDownDisabled()) {
            actions.add(new PlanAction.Uncordon(
                    n.name(),
                    UncordonReason.SCALE_DOWN_DISABLED,
                    "scale-down was disabled on it after it was cordoned"));
            return;
        }
        boolean broken = broken(n);
        if (leftAlone(n, broken)) {
            return;
        }
        boolean busy = load.blocking();
        if (n.cordonedByJoblane()) {
            cordonedByJoblane(n, busy, inst != null, needed[at]);
        } else if (busy || needed[at]) {
            neededAgain(n, busy);
        } else if (inst != null && !n.cordoned()) {
            empty(n, broken, at);
        }
    }

    private static boolean leaving(CloudInstance inst) {
        return inst != null && !inst.state().isCapacity();
    }

    private void clearStaleCordonMark(NodeInfo n) {
        if (!n.cordoned() && n.cordonedAt() != null) {
            actions.add(new PlanAction.ClearCordonMark(
                    n.name(), "not cordoned, but still marked as cordoned by " + "the scaler (uncordoned by hand?)"));
        }
    }

    /** A human's cordon, scale-down disabled, or NotReady within the registration timeout: nothing to do. */
    private static boolean leftAlone(NodeInfo n, boolean broken) {
        return n.cordonedByHuman() || n.scaleDownDisabled() || !n.ready() && !broken;
    }

    /** Never Ready, or NotReady past the registration timeout: not capacity, so removed once nothing runs there. */
    private boolean broken(NodeInfo n) {
        Instant notReadyFrom = n.notReadySince() != null ? n.notReadySince() : n.created();
        return !n.ready()
                && notReadyFrom != null
                && in.deadlines().passed(notReadyFrom.plus(in.spec().registrationTimeout()));
    }

    /** Busy, or needed by waiting pods: its unneeded timer stops. */
    private void neededAgain(NodeInfo n, boolean busy) {
        if (n.unneededSince() != null) {
            actions.add(
                    busy
                            ? new PlanAction.MarkUnneeded(
                                    n.name(), null, UnneededReason.BUSY_AGAIN, "pods run on it again")
                            : new PlanAction.MarkUnneeded(
                                    n.name(), null, UnneededReason.NEEDED, "waiting pods need it"));
        }
    }

    /** The instance is leaving or its termination was asked for: retry the termination, fence the node. */
    private void leaving(NodeInfo n, CloudInstance inst, NodeLoad load) {
        boolean requested = n.terminationRequestedAt() != null;
        boolean stillCapacity = inst != null && inst.state().isCapacity();
        boolean retry = requested && stillCapacity && n.cordonedByJoblane() && !n.scaleDownDisabled();
        if (retry && !load.blocking() && remainingDesired - 1 >= in.floor()) {
            remainingDesired--;
            actions.add(new PlanAction.Terminate(
                    n.name(),
                    n.instanceId(),
                    TerminateReason.RETRY_REQUESTED,
                    "its termination was asked for at " + n.terminationRequestedAt()
                            + " and the instance is still in the group"));
        }
        boolean dying =
                requested || inst.state() == LifecycleState.TERMINATING || inst.state() == LifecycleState.TERMINATED;
        if (dying && !n.cordoned()) {
            // A kubelet that joined after its instance began leaving: fence it, or Jobs land and die there.
            actions.add(
                    requested
                            ? new PlanAction.Cordon(
                                    n.name(), CordonReason.TERMINATION_REQUESTED, "its termination was asked for")
                            : new PlanAction.Cordon(
                                    n.name(),
                                    CordonReason.INSTANCE_LEAVING,
                                    "its instance is leaving the group (" + inst.state() + ")"));
        }
    }

    /** The scaler's own cordon: give it back when busy or at the minimum, terminate once settled. */
    private void cordonedByJoblane(NodeInfo n, boolean busy, boolean known, boolean neededNow) {
        if (neededNow) {
            return; // reclaimed by scale-out
        }
        if (busy && n.noticed()) {
            return; // a Spot notice: stays fenced; the Job finishes or the cloud takes the node
        }
        if (busy) {
            actions.add(new PlanAction.Uncordon(
                    n.name(), UncordonReason.POD_BOUND, "a pod was bound to it after it was cordoned"));
        } else if (!known) {
            return; // instance unknown to this cloud group: never terminate, wait for a human
        } else if (remainingDesired - 1 < in.floor()) {
            actions.add(new PlanAction.Uncordon(
                    n.name(), UncordonReason.AT_MINIMUM, "group is at its minimum of " + in.floor()));
        } else if (n.cordonedAt() != null
                && in.deadlines().reached(n.cordonedAt().plus(in.spec().settleDelay()))) {
            remainingDesired--;
            actions.add(new PlanAction.Terminate(
                    n.name(),
                    n.instanceId(),
                    TerminateReason.SETTLED,
                    "empty and unneeded; cordoned "
                            + Duration.between(n.cordonedAt(), in.now()).toSeconds() + "s ago"));
        }
    }

    /** An empty node nobody needs: start its unneeded timer, cordon it once the delay is served (or at once). */
    private void empty(NodeInfo n, boolean broken, int at) {
        boolean drained = n.draining() != DrainState.NONE || drainingNow[at] || n.noticed();
        Duration delay = idleDelays[at] != null ? idleDelays[at] : in.spec().scaleDownDelay();
        // No wait due: cordoned at first sight, its timer need not start first (settleDelay still guards a binding
        // in flight).
        boolean delayServed = n.unneededSince() != null
                ? in.deadlines().reached(n.unneededSince().plus(delay))
                : delay.isZero();
        if ((n.draining() != DrainState.NONE || n.noticed() || delayServed || broken) && cordonable > 0) {
            cordonable--;
            CordonReason why = cordonReason(n, broken, drained, delay);
            actions.add(new PlanAction.Cordon(n.name(), why, cordonText(why, delay)));
        } else if (n.unneededSince() == null && !drained) {
            actions.add(new PlanAction.MarkUnneeded(n.name(), in.now(), UnneededReason.EMPTY, "no pod runs on it"));
        }
    }

    private CordonReason cordonReason(NodeInfo n, boolean broken, boolean drained, Duration delay) {
        if (broken) {
            return CordonReason.BROKEN;
        }
        if (n.noticed()) {
            return CordonReason.SPOT_NOTICE;
        }
        if (drained) {
            return CordonReason.DRAINED;
        }
        if (delay.isZero() && !in.spec().scaleDownDelay().isZero()) {
            return CordonReason.NOT_NEEDED_SOON;
        }
        return delay.equals(in.spec().scaleDownDelay()) ? CordonReason.UNNEEDED : CordonReason.IDLE_PAST_BOOT;
    }

    private String cordonText(CordonReason why, Duration delay) {
        return switch (why) {
            case SPOT_NOTICE -> "empty and carrying a Spot " + "notice";
            case BROKEN ->
                "not Ready for over " + in.spec().registrationTimeout().toSeconds() + "s and nothing runs on it";
            case DRAINED -> "drained: no Job runs on it any more";
            case NOT_NEEDED_SOON ->
                "empty and not among the " + idleRule.kept()
                        + " empty node(s) the arrival rate is expected to need before a new node could boot";
            case IDLE_PAST_BOOT ->
                "empty for " + delay.toSeconds() + "s, a new node's boot delay, though among the " + idleRule.kept()
                        + " empty node(s) the arrival rate was expected to need first";
            default -> "empty and unneeded for " + delay.toSeconds() + "s";
        };
    }
}
