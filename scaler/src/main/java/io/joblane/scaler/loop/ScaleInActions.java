package io.joblane.scaler.loop;

import io.joblane.scaler.cloud.CloudException;
import io.joblane.scaler.plan.DrainState;
import io.joblane.scaler.plan.NodeAnnotations;
import io.joblane.scaler.plan.NodeInfo;
import io.joblane.scaler.plan.PlanAction;

/**
 * Handlers of the pack and scale-in steps' node actions (DESIGN.md, planning pass steps 4 and 5): taint, timers,
 * cordons. The termination itself is {@link TerminateAction}.
 */
final class ScaleInActions {

    private ScaleInActions() {}

    /** Sets or clears the draining taint; {@code draining-since} is kept when a nudge is committed. */
    static void setDrain(PlanAction.SetDrain a, GroupExec x) throws ClusterException, CloudException {
        DecisionKind kind = a.state() == DrainState.NO_SCHEDULE ? DecisionKind.DRAIN_COMMIT : DecisionKind.DRAIN_NUDGE;
        x.record(kind, "taint node " + a.node() + " draining " + a.state(), a.reason());
        x.write(() -> {
            x.cluster.setDrainingTaint(a.node(), a.state());
            NodeInfo n = x.node(a.node());
            if (a.state() != DrainState.NO_SCHEDULE || n == null || n.drainingSince() == null) {
                x.annotate(
                        a.node(),
                        NodeAnnotations.DRAINING_SINCE,
                        a.state() == DrainState.NONE ? null : NodeAnnotations.format(x.now));
            }
            x.cluster.recordEvent(EventTarget.node(a.node()), EventReason.DRAINING, a.reason());
        });
    }

    /** Starts or stops the node's unneeded timer. */
    static void markUnneeded(PlanAction.MarkUnneeded a, GroupExec x) throws ClusterException, CloudException {
        if (a.since() != null) {
            x.record(DecisionKind.MARK_UNNEEDED, "node " + a.node() + " unneeded since " + a.since(), a.reason());
        } else {
            x.log("node " + a.node() + " needed again", a.reason());
        }
        x.write(() -> x.annotate(
                a.node(),
                NodeAnnotations.UNNEEDED_SINCE,
                a.since() == null ? null : NodeAnnotations.format(a.since())));
    }

    /** Cordons the node as the scaler's own, unless someone else cordoned it first (then it is theirs). */
    static void cordon(PlanAction.Cordon a, GroupExec x) throws ClusterException, CloudException {
        x.record(DecisionKind.CORDON, "cordon node " + a.node(), a.reason());
        x.write(() -> {
            if (!x.cluster.cordon(a.node(), x.now)) {
                GroupExec.LOG.info(
                        "group {}: node {} was cordoned by someone else first; left alone", x.spec.name(), a.node());
                return; // a human's cordon: no event claiming it is ours
            }
            x.cluster.recordEvent(
                    EventTarget.node(a.node()),
                    EventReason.SCALE_DOWN,
                    "cordoned, terminating after " + x.spec.settleDelay().toSeconds() + "s if still empty: "
                            + a.reason());
        });
    }

    static void clearCordonMark(PlanAction.ClearCordonMark a, GroupExec x) throws ClusterException, CloudException {
        x.log("clear the cordon mark of node " + a.node(), a.reason());
        x.write(() -> x.annotate(a.node(), NodeAnnotations.CORDONED_AT, null));
    }

    static void uncordon(PlanAction.Uncordon a, GroupExec x) throws ClusterException, CloudException {
        x.record(DecisionKind.UNCORDON, "uncordon node " + a.node(), a.reason());
        x.write(() -> {
            x.undo(a.node());
            x.cluster.recordEvent(EventTarget.node(a.node()), EventReason.SCALE_DOWN_CANCELLED, a.reason());
        });
    }
}
