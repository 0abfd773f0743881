package io.joblane.scaler.plan;

import io.joblane.scaler.cloud.AsgMember;
import io.joblane.scaler.cloud.CloudGroup;
import io.joblane.scaler.cloud.CloudInstance;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What every step of one planning pass reads about its group: the spec, the indexed snapshot, the cloud's
 * description (and its instances by id), the floor no step may go below, and the pass's instant.
 *
 * @param floor         the group's minimum: the higher of the file's and the cloud's
 * @param nodelessSince per instance id, the first scan that saw it without a node (missing: seen now)
 * @param learnShape    new nodes take the most common allocatable of the Ready nodes; false when the group is planned
 *                      once per instance type, whose shape the spec then holds
 * @param setAside      keys of pending pods this pass leaves out: they fit only some of the group's instance types
 * @param kinds         the kinds of new node the group can get (one per class of similar member Auto Scaling groups,
 *                      or one for a group of one cloud group)
 * @param kindOfInstance per instance id of a member Auto Scaling group, the index of its member's kind
 */
record PassInput(
        GroupSpec spec,
        SnapshotIndex index,
        CloudGroup cloud,
        Map<String, CloudInstance> instances,
        int floor,
        Map<String, Instant> nodelessSince,
        Deadlines deadlines,
        boolean learnShape,
        Set<String> setAside,
        List<NewNodeKind> kinds,
        Map<String, Integer> kindOfInstance) {

    static PassInput of(
            GroupSpec spec,
            SnapshotIndex index,
            CloudGroup cloud,
            Instant now,
            Map<String, Instant> nodelessSince,
            List<NewNodeKind> kinds,
            boolean learnShape,
            Set<String> setAside) {
        Map<String, CloudInstance> instances = index.instancesById(cloud);
        Map<String, Integer> kindOfInstance = new HashMap<>();
        for (AsgMember m : cloud.members()) {
            int k = kindOfAsg(kinds, m.id());
            m.instanceIds().forEach(id -> kindOfInstance.put(id, k));
        }
        return new PassInput(
                spec,
                index,
                cloud,
                instances,
                Math.max(spec.minNodes(), cloud.min()),
                nodelessSince,
                new Deadlines(now),
                learnShape,
                setAside,
                List.copyOf(kinds),
                kindOfInstance);
    }

    /** The index of the kind a member Auto Scaling group launches; 0 when no kind names it. */
    static int kindOfAsg(List<NewNodeKind> kinds, String asg) {
        for (int k = 0; k < kinds.size(); k++) {
            if (kinds.get(k).asgs().contains(asg)) {
                return k;
            }
        }
        return 0;
    }

    /** The kind of new node an instance is: its member's kind, 0 for an instance of one cloud group. */
    int kindOf(String instanceId) {
        return instanceId == null ? 0 : kindOfInstance.getOrDefault(instanceId, 0);
    }

    Instant now() {
        return deadlines.now();
    }

    /** The group's instance behind a node, or null (no providerID, or an instance of no group we read). */
    CloudInstance instanceOf(NodeInfo n) {
        return n.instanceId() == null ? null : instances.get(n.instanceId());
    }
}
