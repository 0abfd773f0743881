package io.joblane.scaler.loop;

import io.joblane.scaler.cloud.CloudException;
import io.joblane.scaler.plan.PlanAction;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which handler executes each plan action type, listed in the order of DESIGN.md's planning steps: one table instead
 * of an {@code instanceof} chain. Every permitted subtype of the sealed {@link PlanAction} must have a line: loading
 * this class fails otherwise, so a new action type can never be ignored silently.
 */
final class ActionHandlers {

    /** Executes one action type for one group; writes go through {@link GroupExec#write} and {@link GroupExec#cloud}. */
    @FunctionalInterface
    interface Handler<A extends PlanAction> {
        void run(A action, GroupExec x) throws ClusterException, CloudException;
    }

    private record Entry<A extends PlanAction>(Class<A> type, Handler<A> handler) {
        void run(PlanAction action, GroupExec x) throws ClusterException, CloudException {
            handler.run(type.cast(action), x);
        }
    }

    private static final Map<Class<?>, Entry<?>> TABLE = table(
            // Scale out (step 3): take drained nodes back, then grow, tell waiting pods why they wait.
            new Entry<>(PlanAction.Reclaim.class, ScaleOutActions::reclaim),
            new Entry<>(PlanAction.ScaleUp.class, ScaleOutActions::scaleUp),
            new Entry<>(PlanAction.PodsWaiting.class, ScaleOutActions::podsWaiting),
            new Entry<>(PlanAction.PodNeverFits.class, ScaleOutActions::podNeverFits),
            new Entry<>(PlanAction.CancelUnfulfilled.class, ScaleOutActions::cancelUnfulfilled),
            // Pack (step 4): the draining taint.
            new Entry<>(PlanAction.SetDrain.class, ScaleInActions::setDrain),
            // Scale in (step 5): timers, cordons, and the final gate before a termination.
            new Entry<>(PlanAction.MarkUnneeded.class, ScaleInActions::markUnneeded),
            new Entry<>(PlanAction.Cordon.class, ScaleInActions::cordon),
            new Entry<>(PlanAction.ClearCordonMark.class, ScaleInActions::clearCordonMark),
            new Entry<>(PlanAction.Uncordon.class, ScaleInActions::uncordon),
            new Entry<>(PlanAction.Terminate.class, TerminateAction::run),
            // Cloud hygiene (step 6): protection, zone rebalancing, instances that never became nodes.
            new Entry<>(PlanAction.Protect.class, CloudHygieneActions::protect),
            new Entry<>(PlanAction.SuspendZoneRebalancing.class, CloudHygieneActions::suspendZoneRebalancing),
            new Entry<>(PlanAction.InstanceUnregistered.class, CloudHygieneActions::instanceUnregistered),
            new Entry<>(PlanAction.TerminateUnregistered.class, CloudHygieneActions::terminateUnregistered));

    private ActionHandlers() {}

    /** Executes {@code action} with the handler of its type. */
    static void run(PlanAction action, GroupExec x) throws ClusterException, CloudException {
        TABLE.get(action.getClass()).run(action, x);
    }

    private static Map<Class<?>, Entry<?>> table(Entry<?>... entries) {
        Map<Class<?>, Entry<?>> byType = new LinkedHashMap<>();
        for (Entry<?> e : entries) {
            byType.put(e.type(), e);
        }
        for (Class<?> type : PlanAction.class.getPermittedSubclasses()) {
            if (!byType.containsKey(type)) {
                throw new IllegalStateException("no handler for plan action " + type.getSimpleName());
            }
        }
        return Map.copyOf(byType);
    }
}
