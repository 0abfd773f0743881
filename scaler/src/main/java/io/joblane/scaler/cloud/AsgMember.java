package io.joblane.scaler.cloud;

import java.util.List;

/**
 * One Auto Scaling group of a node group over several ({@code scaling.autoScalingGroups}) as last described: its
 * sizes, zones, node template and instances, so the planner can send new nodes to the members whose template suits
 * the waiting pods and reports can say which member an instance belongs to. Immutable.
 *
 * @param template what a new node of this member looks like, null when its provider gives none
 * @param instanceIds its instances (every state), as described
 */
public record AsgMember(
        String id, int desired, int max, List<String> zones, NodeTemplate template, List<String> instanceIds) {

    public AsgMember {
        zones = zones == null ? List.of() : List.copyOf(zones);
        instanceIds = instanceIds == null ? List.of() : List.copyOf(instanceIds);
    }

    /** Capacity asked for that has no instance yet: desired above the member's capacity instances. */
    public int notLaunched(List<CloudInstance> groupInstances) {
        java.util.Set<String> mine = new java.util.HashSet<>(instanceIds);
        long capacity = groupInstances.stream()
                .filter(i -> mine.contains(i.id()) && i.state().isCapacity())
                .count();
        return (int) Math.max(0, desired - capacity);
    }
}
