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
import java.util.Comparator;
import java.util.List;
import java.util.Map;

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
    /** Per empty node the cost rule looked at, how long it must have been empty before it is cordoned. */
    private Map<String, Duration> idleDelays = Map.of();

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

    /**
     * Plans the group's {@code nodes}; {@code loads} and {@code instances}, beside them one for one: what holds each
     * node and its instance (null when none).
     */
    List<PlanAction> plan(List<NodeInfo> nodes, NodeLoad[] loads, CloudInstance[] instances) {
        List<Slot> byAge = new ArrayList<>(nodes.size());
        for (int i = 0; i < nodes.size(); i++) {
            byAge.add(new Slot(nodes.get(i), loads[i], instances[i], i));
        }
        // The cost rule only: the room sums in the nodes' order.
        double room = in.spec().scaleInByCost() ? roomOnBusyNodes(nodes, loads) : 0;
        // Oldest cordons settle first; then youngest empty nodes are removed first.
        byAge = Slot.youngestFirst(byAge);
        List<PodInfo> arrivals = in.spec().scaleInByCost()
                ? in.index().jobPods(in.spec().name(), in.now().minus(IdleNodeRule.ARRIVAL_WINDOW))
                : List.of();
        idleRule = IdleNodeRule.of(in.spec(), arrivals, usable, in.now(), room);
        List<NodeInfo> idle = new ArrayList<>(byAge.size()); // sized: thousands of idle nodes grew it every scan
        for (Slot s : byAge) {
            if (idle(s)) {
                idle.add(s.node());
            }
        }
        idleDelays = idleRule.delays(idle);
        if (idleRule.kept() > 0 && idleRule.rateDropsAt() != null) {
            in.deadlines().reached(idleRule.rateDropsAt()); // a kept node may go once the rate falls
        }
        for (Slot s : byAge) {
            node(s.node(), s.load(), s.inst(), s.at());
        }
        return actions;
    }

    /** A node of the group with its load, its instance (null when none) and its position among the group's nodes. */
    record Slot(NodeInfo node, NodeLoad load, CloudInstance inst, int at, long createdSecond, int createdNano) {
        /**
         * Youngest first (no creation time: as old as the epoch); nodes of one age keep their order. Compares the
         * copied creation time, as {@link Instant#compareTo} would, without reaching for the node's objects.
         */
        static final Comparator<Slot> YOUNGEST_FIRST = (a, b) -> {
            int bySecond = Long.compare(b.createdSecond, a.createdSecond);
            return bySecond != 0 ? bySecond : Integer.compare(b.createdNano, a.createdNano);
        };

        /**
         * The slots youngest first, those of one age in their order: what a stable sort by {@link #YOUNGEST_FIRST}
         * gives. Nodes mostly come oldest first (in the order they joined); then their runs of one age are taken
         * from the last to the first, without a sort.
         */
        static List<Slot> youngestFirst(List<Slot> slots) {
            for (int i = 1; i < slots.size(); i++) {
                if (YOUNGEST_FIRST.compare(slots.get(i - 1), slots.get(i)) < 0) { // not oldest first
                    List<Slot> sorted = new ArrayList<>(slots);
                    sorted.sort(YOUNGEST_FIRST);
                    return sorted;
                }
            }
            List<Slot> out = new ArrayList<>(slots.size());
            int end = slots.size();
            while (end > 0) {
                int start = end - 1;
                while (start > 0 && YOUNGEST_FIRST.compare(slots.get(start - 1), slots.get(end - 1)) == 0) {
                    start--;
                }
                out.addAll(slots.subList(start, end));
                end = start;
            }
            return out;
        }

        Slot(NodeInfo node, NodeLoad load, CloudInstance inst, int at) {
            this(
                    node,
                    load,
                    inst,
                    at,
                    created(node).getEpochSecond(),
                    created(node).getNano());
        }

        private static Instant created(NodeInfo n) {
            return n.created() == null ? Instant.EPOCH : n.created();
        }
    }

    /** An empty Ready node that nobody needs, drains or protects: what {@link #empty} decides on. */
    private boolean idle(Slot s) {
        NodeInfo n = s.node();
        // The instance is read last: most nodes are busy, and its state is one more object to fetch.
        return open(n)
                && !s.load().blocking()
                && undrained(n, s.at())
                && !needed[s.at()]
                && s.inst() != null
                && s.inst().state().isCapacity();
    }

    /** Neither draining, nor drained this scan, nor carrying a Spot notice; {@code at}: the node's position. */
    private boolean undrained(NodeInfo n, int at) {
        return n.draining() == DrainState.NONE && !n.noticed() && !drainingNow[at];
    }

    /**
     * The room arrivals fill before they need an empty node: on the open nodes that run Jobs, what is free of every
     * resource of a new node, as a share of it, summed. Counted on the scarcest resource of each node, so never more
     * than pods could use there.
     */
    private double roomOnBusyNodes(List<NodeInfo> nodes, NodeLoad[] loads) {
        double room = 0;
        for (int i = 0; i < nodes.size(); i++) {
            NodeInfo n = nodes.get(i);
            NodeLoad load = loads[i]; // its summed requests and free share, kept while its pods are
            if (load.blocking() && open(n) && undrained(n, i)) {
                room += load.freeShare(n.allocatable(), overhead, usable);
            }
        }
        return room;
    }

    /** Ready, schedulable, and neither protected nor on its way out. */
    private static boolean open(NodeInfo n) {
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
            empty(n, broken, drainingNow[at]);
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
    private void empty(NodeInfo n, boolean broken, boolean drainedNow) {
        boolean drained = n.draining() != DrainState.NONE || drainedNow || n.noticed();
        Duration delay = idleDelays.getOrDefault(n.name(), in.spec().scaleDownDelay());
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
