package io.joblane.scaler.plan;

import java.util.ArrayList;
import java.util.List;

/**
 * Step "Spot notices" of the planning pass: a node carrying a Spot notice (rebalance recommendation or interruption
 * notice, {@link SpotNotice}) gets the committed draining fence at once, with no nudge and no settle delay, so no new
 * Job lands on a node the cloud is about to take. Classification already leaves it out of the capacity; scale-in
 * never gives it back, and removes it like any drained node only once it is empty. Its running Jobs are never
 * touched: the cloud may take the node, which is Spot's loss, not the scaler's.
 */
final class SpotFence {

    private SpotFence() {}

    static List<PlanAction> plan(List<NodeInfo> nodes) {
        List<PlanAction> out = new ArrayList<>(0);
        for (NodeInfo n : nodes) {
            if (n.noticed() && n.draining() != DrainState.NO_SCHEDULE && n.terminationRequestedAt() == null) {
                out.add(new PlanAction.SetDrain(
                        n.name(),
                        DrainState.NO_SCHEDULE,
                        PlanAction.DrainReason.SPOT_NOTICE,
                        "Spot " + n.spotNotice().kind() + " notice on the node: no new Job may land there"));
            }
        }
        return out;
    }
}
