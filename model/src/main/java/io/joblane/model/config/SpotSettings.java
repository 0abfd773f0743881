package io.joblane.model.config;

import java.util.List;

/**
 * How the scaler recognises a Spot notice on a node: the taint keys that mean an interruption notice (the instance
 * goes in about two minutes) and those that mean a rebalance recommendation (it is at elevated risk). The defaults are
 * the taints AWS Node Termination Handler sets with {@code taintNode: true} (scaler/AWS.md, Spot).
 */
public record SpotSettings(List<String> interruptionTaints, List<String> rebalanceTaints) {
    /** AWS Node Termination Handler's taint for a Spot interruption notice ({@code pkg/node/node.go}). */
    public static final String NTH_SPOT_INTERRUPTION_TAINT = "aws-node-termination-handler/spot-itn";
    /** AWS Node Termination Handler's taint for an EC2 rebalance recommendation. */
    public static final String NTH_REBALANCE_TAINT = "aws-node-termination-handler/rebalance-recommendation";

    public static final SpotSettings DEFAULTS = new SpotSettings(null, null);

    public SpotSettings {
        interruptionTaints =
                interruptionTaints == null ? List.of(NTH_SPOT_INTERRUPTION_TAINT) : List.copyOf(interruptionTaints);
        rebalanceTaints = rebalanceTaints == null ? List.of(NTH_REBALANCE_TAINT) : List.copyOf(rebalanceTaints);
    }
}
