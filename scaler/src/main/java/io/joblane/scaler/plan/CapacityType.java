package io.joblane.scaler.plan;

import io.joblane.model.WellKnown;
import java.util.Map;

/**
 * How a node is bought, from the label EKS managed node groups ({@code eks.amazonaws.com/capacityType}) or Karpenter
 * ({@code karpenter.sh/capacity-type}) put on it; {@link #UNKNOWN} without either (a self-managed group that sets no
 * such label).
 */
public enum CapacityType {
    UNKNOWN,
    ON_DEMAND,
    SPOT;

    /** Reads the node's labels; the EKS label wins when both are present. */
    public static CapacityType ofLabels(Map<String, String> labels) {
        String eks = labels.get(WellKnown.EKS_CAPACITY_TYPE_LABEL);
        if (eks != null) {
            return WellKnown.EKS_CAPACITY_SPOT.equals(eks)
                    ? SPOT
                    : WellKnown.EKS_CAPACITY_ON_DEMAND.equals(eks) ? ON_DEMAND : UNKNOWN;
        }
        String karpenter = labels.get(WellKnown.KARPENTER_CAPACITY_TYPE_LABEL);
        if (karpenter == null) {
            return UNKNOWN;
        }
        return WellKnown.KARPENTER_CAPACITY_SPOT.equals(karpenter)
                ? SPOT
                : WellKnown.KARPENTER_CAPACITY_ON_DEMAND.equals(karpenter) ? ON_DEMAND : UNKNOWN;
    }
}
