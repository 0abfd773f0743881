package io.joblane.scaler.loop;

import io.joblane.scaler.cloud.CloudException;
import io.joblane.scaler.plan.DrainState;
import io.joblane.scaler.plan.NodeInfo;
import io.joblane.scaler.plan.PlanAction;
import java.time.Duration;

/** Handlers of the scale-out step's actions (DESIGN.md, planning pass step 3). */
final class ScaleOutActions {
    static final Duration BACKOFF_BASE = Duration.ofSeconds(30);
    static final Duration BACKOFF_MAX = Duration.ofMinutes(30);

    private ScaleOutActions() {}

    /** Takes a draining or Joblane-cordoned node back for waiting pods: no taint, no cordon of ours, no timers. */
    static void reclaim(PlanAction.Reclaim a, GroupExec x) throws ClusterException, CloudException {
        x.record(DecisionKind.RECLAIM, "reclaim node " + a.node(), a.reason());
        x.write(() -> {
            NodeInfo n = x.node(a.node());
            if (n != null && n.draining() != DrainState.NONE) {
                x.cluster.setDrainingTaint(a.node(), DrainState.NONE);
            }
            if (n != null && n.cordonedByJoblane()) {
                x.cluster.uncordon(a.node());
            }
            x.clearTimers(a.node());
            x.cluster.recordEvent(EventTarget.node(a.node()), EventReason.DRAIN_CANCELLED, a.reason());
        });
    }

    /**
     * Raises desired, unless the group is backing off. Not skipped after a failed protection or unregistered-instance
     * call: waiting pods come first.
     */
    static void scaleUp(PlanAction.ScaleUp a, GroupExec x) throws ClusterException, CloudException {
        GroupState state = x.state;
        String g = x.spec.name();
        if (x.failing && state.backoffUntil != null && x.now.isBefore(state.backoffUntil)) {
            x.deadline(state.backoffUntil);
            x.metrics().decision(g, DecisionKind.SCALE_UP_BACKOFF);
            GroupExec.LOG.info(
                    "group {}: scale-up to {} withheld, backing off until {}", g, a.to(), state.backoffUntil);
            x.write(() -> x.tell(
                    a.examples(),
                    WaitNotice.BACKOFF,
                    EventReason.NOT_TRIGGER_SCALE_UP,
                    "node group " + g + " is backing off scale-up until " + state.backoffUntil
                            + ": its capacity is not arriving"));
            return;
        }
        String id = x.spec.cloudGroupId();
        x.record(DecisionKind.SCALE_UP, "scale " + id + " from " + a.from() + " to " + a.to() + asgs(a, x), a.reason());
        x.write(() -> {
            if (a.asgs().isEmpty()) {
                x.cloud("setDesiredCapacity", () -> x.provider().setDesiredCapacity(id, a.to(), a.zones()));
            } else {
                x.cloud("setDesiredCapacity", () -> x.provider().raiseMembers(id, a.asgs()));
                countAsgScaleUps(a, x);
                x.raisedAsgs.putAll(a.asgs());
            }
            x.desired = a.to();
            x.tell(
                    a.examples(),
                    WaitNotice.CAPACITY_COMING,
                    EventReason.TRIGGERED_SCALE_UP,
                    "node group " + g + " scales from " + a.from() + " to " + a.to() + " node(s)");
        });
        // Only a scale-up that went through starts the next back-off: a failed call is retried next scan.
        if (x.failing) {
            long factor = 1L << Math.min(state.failures, 10);
            Duration delay = BACKOFF_BASE.multipliedBy(factor);
            state.backoffUntil = x.now.plus(delay.compareTo(BACKOFF_MAX) > 0 ? BACKOFF_MAX : delay);
            state.failures++;
        }
    }

    /** The member Auto Scaling groups a scale-up raises, for the decision: " (eks-a 1 -> 2, eks-b 0 -> 1)". */
    private static String asgs(PlanAction.ScaleUp a, GroupExec x) {
        if (a.asgs().isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder(" (");
        a.asgs()
                .forEach((asg, to) -> b.append(b.length() > 2 ? ", " : "")
                        .append(asg)
                        .append(' ')
                        .append(x.cloud.memberDesired(asg))
                        .append(" -> ")
                        .append(to));
        return b.append(')').toString();
    }

    private static void countAsgScaleUps(PlanAction.ScaleUp a, GroupExec x) {
        a.asgs()
                .forEach((asg, to) ->
                        x.metrics().asgNodesRequested(x.spec.name(), asg, to - x.cloud.memberDesired(asg)));
    }

    /** Tells waiting pods that get no node of their own why (once per pod and notice). */
    static void podsWaiting(PlanAction.PodsWaiting a, GroupExec x) throws ClusterException, CloudException {
        WaitNotice notice = a.why() == PlanAction.WaitReason.AT_MAX ? WaitNotice.AT_MAX : WaitNotice.CAPACITY_COMING;
        x.write(() -> x.tell(a.pods(), notice, EventReason.NOT_TRIGGER_SCALE_UP, a.reason()));
    }

    /** Reports a pod that fits no empty node of the group, once per pod. */
    static void podNeverFits(PlanAction.PodNeverFits a, GroupExec x) {
        if (!x.state.reportedUnfit.add(a.pod().uid())) {
            return;
        }
        x.metrics().podNeverFits(x.spec.name());
        x.record(DecisionKind.POD_NEVER_FITS, "pod " + a.pod().key() + " never fits", a.reason());
        x.event(EventTarget.pod(a.pod()), EventReason.DOES_NOT_FIT, a.reason());
    }

    /** Lowers desired to what exists, only once capacity has stopped arriving (a gap of seconds is launches). */
    static void cancelUnfulfilled(PlanAction.CancelUnfulfilled a, GroupExec x) throws ClusterException, CloudException {
        if (x.cloudFailed || !x.failing) {
            return;
        }
        String id = x.spec.cloudGroupId();
        x.record(
                DecisionKind.CANCEL_UNFULFILLED,
                "cancel unfulfilled capacity of " + id + " from " + a.from() + " to " + a.to(),
                a.reason());
        x.write(() -> {
            int[] after = {x.desired};
            x.cloud("cancelUnfulfilled", () -> after[0] = x.provider().cancelUnfulfilled(id, a.to()));
            x.desired = after[0];
        });
    }
}
