package io.joblane.scaler.cloud;

import java.util.List;

/**
 * One cloud group as described at one moment: sizes, instances, and anything the loop must report
 * (failed launches, active AZ rebalancing). Immutable.
 *
 * @param problems human-readable conditions the loop surfaces on readiness, events and metrics,
 *                 e.g. "AZRebalance is active" or "launch failed: InsufficientInstanceCapacity in us-east-1a"
 * @param launchFailing true when the cloud reports recent failed launches: the loop backs off this group
 * @param template what a new node will look like (scale from zero), or null when the provider gives none
 * @param zoneRebalancing true when the cloud group may move instances between zones by itself, terminating busy ones
 *                        (AWS: the AZRebalance process is not suspended)
 * @param zones    the zones new instances may be launched in (AWS: the group's AvailabilityZones); empty when unknown.
 *                 With more than one, the cloud picks the zone of each new instance, unless {@code zonesChoosable}
 * @param zonesChoosable a set of single-zone cloud groups seen as one ({@code AsgSets}): a scale-up can ask for
 *                 new instances in a given zone
 * @param members  the Auto Scaling groups of a set ({@code AsgSets}), in the file's order; empty for one cloud group
 */
public record CloudGroup(
        String id,
        int desired,
        int min,
        int max,
        List<CloudInstance> instances,
        List<String> problems,
        boolean launchFailing,
        NodeTemplate template,
        boolean zoneRebalancing,
        List<String> zones,
        boolean zonesChoosable,
        List<AsgMember> members) {

    public CloudGroup {
        instances = instances instanceof InstanceList kept ? kept : List.copyOf(instances); // both immutable
        problems = problems == null ? List.of() : List.copyOf(problems);
        zones = zones == null ? List.of() : List.copyOf(zones);
        members = members == null ? List.of() : List.copyOf(members);
    }

    /** A group whose cloud picks the zone of each new instance. */
    public CloudGroup(
            String id,
            int desired,
            int min,
            int max,
            List<CloudInstance> instances,
            List<String> problems,
            boolean launchFailing,
            NodeTemplate template,
            boolean zoneRebalancing,
            List<String> zones) {
        this(
                id,
                desired,
                min,
                max,
                instances,
                problems,
                launchFailing,
                template,
                zoneRebalancing,
                zones,
                false,
                List.of());
    }

    /** A group whose zones are not known. */
    public CloudGroup(
            String id,
            int desired,
            int min,
            int max,
            List<CloudInstance> instances,
            List<String> problems,
            boolean launchFailing,
            NodeTemplate template,
            boolean zoneRebalancing) {
        this(id, desired, min, max, instances, problems, launchFailing, template, zoneRebalancing, List.of());
    }

    /** A group that does not rebalance zones by itself. */
    public CloudGroup(
            String id,
            int desired,
            int min,
            int max,
            List<CloudInstance> instances,
            List<String> problems,
            boolean launchFailing,
            NodeTemplate template) {
        this(id, desired, min, max, instances, problems, launchFailing, template, false);
    }

    /** A group without a node template that does not rebalance zones by itself. */
    public CloudGroup(
            String id,
            int desired,
            int min,
            int max,
            List<CloudInstance> instances,
            List<String> problems,
            boolean launchFailing) {
        this(id, desired, min, max, instances, problems, launchFailing, null, false);
    }

    /** The member Auto Scaling group an instance belongs to, or null (one cloud group, or an unknown instance). */
    public AsgMember memberOf(String instanceId) {
        for (AsgMember m : members) {
            if (m.instanceIds().contains(instanceId)) {
                return m;
            }
        }
        return null;
    }

    /** The desired size of a member Auto Scaling group as described, 0 for none of them. */
    public int memberDesired(String asg) {
        for (AsgMember m : members) {
            if (m.id().equals(asg)) {
                return m.desired();
            }
        }
        return 0;
    }

    /** Instances that are or will be capacity: pending and in service, not terminating or detached. */
    public long capacityInstances() {
        return instances.stream().filter(i -> i.state().isCapacity()).count();
    }
}
