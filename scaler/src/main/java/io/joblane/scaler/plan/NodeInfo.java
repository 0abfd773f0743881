package io.joblane.scaler.plan;

import io.joblane.model.config.Taint;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the planner knows of one node of a group. Timestamps the scaler needs across scans live on the node as
 * annotations ({@link NodeAnnotations}), so a restarted scaler carries on. Immutable.
 *
 * @param instanceId        from spec.providerID via {@link ProviderIds#instanceId}, null when absent or unparsable
 * @param cordoned          spec.unschedulable
 * @param cordonedByJoblane cordoned and carrying {@link NodeAnnotations#CORDONED_AT}: the scaler may undo it
 * @param scaleDownDisabled annotation {@code joblane.io/scale-down-disabled: "true"}
 * @param unneededSince     annotation {@link NodeAnnotations#UNNEEDED_SINCE}, null when absent
 * @param cordonedAt        annotation {@link NodeAnnotations#CORDONED_AT}, null when absent
 * @param drainingSince     annotation {@link NodeAnnotations#DRAINING_SINCE}, null when absent
 * @param terminationRequestedAt annotation {@link NodeAnnotations#TERMINATION_REQUESTED_AT}, null when absent: the
 *                          scaler may already have terminated the instance, so the node is leaving for good
 * @param notReadySince     last transition of a Ready condition that is not True; null when Ready or unknown
 * @param spotNotice        a Spot notice taint on the node ({@code scaler.spot}): fenced, never capacity again
 * @param capacityType      from the EKS or Karpenter capacity-type label
 * @param labels            the node's labels (zone, instance type, ...), which pods' node constraints select
 * @param taints            the node's taints as the API shows them (every effect); {@link NodeTaints} decides which
 *                          of them keep a waiting pod off the node
 */
public record NodeInfo(
        String name,
        String group,
        String instanceId,
        Resources allocatable,
        boolean ready,
        Instant created,
        boolean cordoned,
        boolean cordonedByJoblane,
        DrainState draining,
        boolean scaleDownDisabled,
        Instant unneededSince,
        Instant cordonedAt,
        Instant drainingSince,
        Instant terminationRequestedAt,
        Instant notReadySince,
        SpotNotice spotNotice,
        CapacityType capacityType,
        Map<String, String> labels,
        List<Taint> taints) {

    public NodeInfo {
        taints = taints == null ? List.of() : List.copyOf(taints);
        allocatable = allocatable == null ? Resources.ZERO : allocatable;
        draining = draining == null ? DrainState.NONE : draining;
        labels = labels == null ? Map.of() : labels;
        spotNotice = spotNotice == null ? SpotNotice.NONE : spotNotice;
        capacityType = capacityType == null ? CapacityType.UNKNOWN : capacityType;
    }

    /** Carries a Spot notice: fenced for new Jobs and not capacity. */
    public boolean noticed() {
        return spotNotice != SpotNotice.NONE;
    }

    /** This node with a Spot notice (tests, the simulator). */
    public NodeInfo withSpotNotice(SpotNotice notice) {
        return new NodeInfo(
                name,
                group,
                instanceId,
                allocatable,
                ready,
                created,
                cordoned,
                cordonedByJoblane,
                draining,
                scaleDownDisabled,
                unneededSince,
                cordonedAt,
                drainingSince,
                terminationRequestedAt,
                notReadySince,
                notice,
                capacityType,
                labels,
                taints);
    }

    /** This node with these taints (tests). */
    public NodeInfo withTaints(List<Taint> newTaints) {
        return new NodeInfo(
                name,
                group,
                instanceId,
                allocatable,
                ready,
                created,
                cordoned,
                cordonedByJoblane,
                draining,
                scaleDownDisabled,
                unneededSince,
                cordonedAt,
                drainingSince,
                terminationRequestedAt,
                notReadySince,
                spotNotice,
                capacityType,
                labels,
                newTaints);
    }

    /** Cordoned by someone else: the scaler never touches it. */
    public boolean cordonedByHuman() {
        return cordoned && !cordonedByJoblane;
    }

    /** True once it advertises every extended resource of {@code template} ({@code nvidia.com/gpu}: device plugin up). */
    public boolean advertisesExtended(Resources template) {
        return advertisesExtended(allocatable, template);
    }

    /** {@link #advertisesExtended(Resources)} of a node with this allocatable. */
    static boolean advertisesExtended(Resources allocatable, Resources template) {
        if (!template.hasExtended()) {
            return true; // nothing to advertise: asked of every node at every pass
        }
        for (int i = 0; i < template.size(); i++) {
            String name = template.nameAt(i);
            if (Resources.isExtended(name) && template.millisAt(i) > 0 && allocatable.get(name) <= 0) {
                return false;
            }
        }
        return true;
    }
}
