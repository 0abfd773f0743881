package io.joblane.scaler.plan;

import java.time.Instant;
import java.util.List;

/**
 * The planner's answer for one group in one scan: the actions, in execution order, and the figures behind them
 * (for the status ConfigMap, metrics and tests).
 *
 * @param readyNodes        Ready nodes of the group
 * @param launching         nodes or instances on their way: registered but not Ready, Pending in the cloud,
 *                          and desired above existing instances
 * @param draining          nodes carrying the draining taint
 * @param cordoned          nodes cordoned by the scaler, awaiting termination
 * @param pendingPods       pending unschedulable pods targeting the group
 * @param podsOnIncoming    of those, pods covered by existing free capacity, reclaimed or launching nodes
 * @param newNodesWanted    new nodes the pending pods need, before the max cap
 * @param neverFit          pending pods that fit no node of the group even when empty
 * @param nextDeadline      the earliest instant after the scan at which a delay the planner looked at runs out
 *                          (settle, scale-down, registration), or null: until then, and unless the cluster or the
 *                          cloud changes, planning again decides the same
 */
public record GroupPlan(
        String group,
        List<PlanAction> actions,
        int desired,
        int readyNodes,
        int launching,
        int draining,
        int cordoned,
        int pendingPods,
        int podsOnIncoming,
        int newNodesWanted,
        int neverFit,
        Instant nextDeadline) {

    public GroupPlan {
        actions = List.copyOf(actions);
    }

    @SuppressWarnings("unchecked")
    public <A extends PlanAction> List<A> actionsOf(Class<A> type) {
        return (List<A>) actions.stream().filter(type::isInstance).toList();
    }
}
