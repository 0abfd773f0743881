package io.joblane.scaler.loop;

import io.joblane.scaler.cloud.CloudException;
import io.joblane.scaler.plan.PlanAction;
import java.util.Optional;

/**
 * Handlers of the cloud hygiene step's actions (DESIGN.md, planning pass step 6): scale-in protection, zone
 * rebalancing and instances that never became nodes.
 */
final class CloudHygieneActions {

    private CloudHygieneActions() {}

    static void protect(PlanAction.Protect a, GroupExec x) throws ClusterException, CloudException {
        if (x.cloudFailed) {
            return;
        }
        String id = x.spec.cloudGroupId();
        x.record(DecisionKind.PROTECT, "protect " + a.instanceIds() + " in " + id, a.reason());
        x.write(() ->
                x.cloud("setScaleInProtection", () -> x.provider().setScaleInProtection(id, a.instanceIds(), true)));
    }

    /**
     * Suspends the group's zone rebalancing. A failure is a problem, retried next scan, and skips none of the group's
     * other cloud actions (as when the provider did it inside its describe).
     */
    static void suspendZoneRebalancing(PlanAction.SuspendZoneRebalancing a, GroupExec x)
            throws ClusterException, CloudException {
        String id = x.spec.cloudGroupId();
        x.log("suspend zone rebalancing of " + id, a.reason());
        x.write(
                () -> {
                    try {
                        x.cloud("suspendZoneRebalancing", () -> x.provider().suspendZoneRebalancing(id));
                    } catch (CloudException e) {
                        x.problems.add(
                                "zone rebalancing (AZRebalance) is active and suspending it failed: " + e.getMessage());
                    }
                },
                () -> x.problems.add("zone rebalancing (AZRebalance) is active (dry run: not suspended)"));
    }

    /** Reported among the group's problems every scan, counted and logged once per instance. */
    static void instanceUnregistered(PlanAction.InstanceUnregistered a, GroupExec x) {
        x.problems.add(a.reason());
        if (x.state.reportedUnregistered.add(a.instanceId())) {
            x.record(DecisionKind.INSTANCE_UNREGISTERED, x.instanceWhere(a.instanceId()) + " unregistered", a.reason());
        }
    }

    /** Terminates an instance that never became a node, unless something live says it may have one. */
    static void terminateUnregistered(PlanAction.TerminateUnregistered a, GroupExec x)
            throws ClusterException, CloudException {
        if (x.cloudFailed) {
            return;
        }
        Optional<String> hold = x.cluster.whyInstanceMayHaveNode(a.instanceId());
        if (hold.isPresent()) {
            String why = KeepReason.INSTANCE_MAY_HAVE_NODE.why(a.instanceId(), x.spec.name(), hold.get());
            x.problems.add(why);
            if (x.state.reportedHeld.add(a.instanceId())) {
                GroupExec.LOG.warn("group {}: {}", x.spec.name(), why);
            }
            return;
        }
        x.state.reportedHeld.remove(a.instanceId());
        x.record(
                DecisionKind.TERMINATE_UNREGISTERED,
                "terminate unregistered " + x.instanceWhere(a.instanceId()),
                a.reason());
        x.write(() -> {
            x.state.terminatedByUs(a.instanceId(), x.now);
            x.cloud("terminateInstance", () -> x.provider().terminateInstance(x.spec.cloudGroupId(), a.instanceId()));
            x.desired--;
            x.state.reportedUnregistered.remove(a.instanceId());
        });
    }
}
