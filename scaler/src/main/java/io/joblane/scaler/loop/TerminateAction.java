package io.joblane.scaler.loop;

import io.joblane.scaler.cloud.CloudException;
import io.joblane.scaler.plan.NodeAnnotations;
import io.joblane.scaler.plan.PlanAction;
import io.joblane.scaler.plan.PodInfo;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The final gate before a node's instance is terminated (DESIGN.md, the loop, step 3): live node check, mark, live
 * bound-pod check, Lease, one call within {@link ScaleLoop#TERMINATE_CHECK_BOUND}. Each guard keeps the node with a
 * {@link KeepReason}.
 */
final class TerminateAction {

    private TerminateAction() {}

    static void run(PlanAction.Terminate a, GroupExec x) throws ClusterException, CloudException {
        if (x.cloudFailed) {
            return;
        }
        Optional<String> changed = x.cluster.whyNodeNotTerminable(a.node(), a.instanceId());
        if (changed.isPresent()) {
            // Not ours to give back any more (uncordoned, re-created, another instance): change nothing.
            String why = KeepReason.NODE_CHANGED.why(changed.get());
            x.record(DecisionKind.SCALE_IN_ABORTED, "keep node " + a.node(), why);
            x.problems.add("node " + a.node() + " not terminated: " + why);
            return;
        }
        x.write(() -> terminate(a, x), () -> preview(a, x));
    }

    /** Dry-run: says what the live pods would decide, changes nothing (no mark either). */
    private static void preview(PlanAction.Terminate a, GroupExec x) throws ClusterException {
        List<PodInfo> blocking = GroupExec.blocking(x.cluster.podsBoundTo(a.node()));
        x.record(
                blocking.isEmpty() ? DecisionKind.TERMINATE : DecisionKind.SCALE_IN_ABORTED,
                (blocking.isEmpty() ? "terminate" : "keep") + " node " + a.node() + " ("
                        + x.instanceWhere(a.instanceId()) + ")",
                a.reason());
    }

    private static void terminate(PlanAction.Terminate a, GroupExec x) throws ClusterException, CloudException {
        Optional<Instant> markedBefore = x.cluster.markTerminationRequested(a.node(), x.now);
        Instant checkStarted = x.clock().instant();
        List<PodInfo> blocking = GroupExec.blocking(x.cluster.podsBoundTo(a.node()));
        if (!blocking.isEmpty()) {
            keepForBoundPods(
                    a,
                    x,
                    markedBefore,
                    KeepReason.POD_BOUND.why(blocking.size(), blocking.get(0).key()));
            return;
        }
        Duration checkAge = Duration.between(checkStarted, x.clock().instant());
        if (checkAge.compareTo(ScaleLoop.TERMINATE_CHECK_BOUND) > 0) {
            String why =
                    KeepReason.CHECKS_TOO_SLOW.why(checkAge.toMillis(), ScaleLoop.TERMINATE_CHECK_BOUND.toMillis());
            x.record(DecisionKind.SCALE_IN_ABORTED, "keep node " + a.node(), why);
            x.problems.add("node " + a.node() + " not terminated: " + why);
            return;
        }
        x.record(
                DecisionKind.TERMINATE,
                "terminate node " + a.node() + " (" + x.instanceWhere(a.instanceId()) + ")",
                a.reason());
        x.state.terminatedByUs(a.instanceId(), x.now);
        x.cloud("terminateInstance", () -> x.provider().terminateInstance(x.spec.cloudGroupId(), a.instanceId()));
        x.desired--;
        x.cluster.recordEvent(
                EventTarget.node(a.node()),
                EventReason.TERMINATED,
                "instance " + a.instanceId() + " terminated: " + a.reason());
        countPodsFoundAfter(a, x, checkStarted);
    }

    /** A pod bound at the last moment: the node is given back only if no termination was ever asked for. */
    private static void keepForBoundPods(
            PlanAction.Terminate a, GroupExec x, Optional<Instant> markedBefore, String why) throws ClusterException {
        x.record(DecisionKind.SCALE_IN_ABORTED, "keep node " + a.node(), why);
        if (markedBefore.isEmpty()) {
            // No termination was ever asked for: drop this scan's mark, then the node may take Jobs again.
            x.annotate(a.node(), NodeAnnotations.TERMINATION_REQUESTED_AT, null);
            x.undo(a.node());
            x.cluster.recordEvent(EventTarget.node(a.node()), EventReason.SCALE_DOWN_CANCELLED, why);
        } else {
            x.problems.add("node " + a.node() + ": termination requested at " + markedBefore.get()
                    + " may have acted; waiting for " + why + " to finish, never reopened");
        }
    }

    /**
     * The product's promise, measured: no pod the last check could have seen is on the node right after its
     * termination. A non-Job pod created after that check began (a pod created with {@code nodeName} bypasses the
     * scheduler, the cordon and every taint) was bound after it, which no check can see: it is counted apart. The
     * creation time has whole seconds in the API, so "after" starts at the check's second.
     */
    private static void countPodsFoundAfter(PlanAction.Terminate a, GroupExec x, Instant checkStarted) {
        String g = x.spec.name();
        try {
            Instant checkSecond = checkStarted.truncatedTo(ChronoUnit.SECONDS);
            List<String> missed = new ArrayList<>();
            List<String> late = new ArrayList<>();
            for (PodInfo p : GroupExec.blocking(x.cluster.podsBoundTo(a.node()))) {
                boolean createdAfterCheck = p.created() != null && !p.created().isBefore(checkSecond);
                (createdAfterCheck && !p.jobPod() ? late : missed).add(p.key());
            }
            x.metrics().podsFoundAtTermination(g, missed.size());
            x.metrics().podsBoundAfterLastCheck(g, late.size());
            if (!missed.isEmpty()) {
                GroupExec.LOG.error(
                        "group {}: pod(s) {} found on node {} right after its termination", g, missed, a.node());
            }
            if (!late.isEmpty()) {
                GroupExec.LOG.warn(
                        "group {}: pod(s) {} created on node {} after its last bound-pod check, just before its"
                                + " termination",
                        g,
                        late,
                        a.node());
            }
        } catch (ClusterException e) {
            GroupExec.LOG.debug("group {}: post-termination check of {} failed: {}", g, a.node(), e.getMessage());
        }
    }
}
