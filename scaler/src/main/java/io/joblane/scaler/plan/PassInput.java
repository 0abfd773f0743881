package io.joblane.scaler.plan;

import io.joblane.scaler.cloud.CloudGroup;
import io.joblane.scaler.cloud.CloudInstance;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * What every step of one planning pass reads about its group: the spec, the indexed snapshot, the cloud's
 * description (and its instances by id), the floor no step may go below, and the pass's instant.
 *
 * @param floor         the group's minimum: the higher of the file's and the cloud's
 * @param nodelessSince per instance id, the first scan that saw it without a node (missing: seen now)
 */
record PassInput(
        GroupSpec spec,
        SnapshotIndex index,
        CloudGroup cloud,
        Map<String, CloudInstance> instances,
        int floor,
        Map<String, Instant> nodelessSince,
        Deadlines deadlines) {

    static PassInput of(
            GroupSpec spec, SnapshotIndex index, CloudGroup cloud, Instant now, Map<String, Instant> nodelessSince) {
        Map<String, CloudInstance> instances = new HashMap<>();
        for (CloudInstance i : cloud.instances()) {
            instances.put(i.id(), i);
        }
        return new PassInput(
                spec,
                index,
                cloud,
                instances,
                Math.max(spec.minNodes(), cloud.min()),
                nodelessSince,
                new Deadlines(now));
    }

    Instant now() {
        return deadlines.now();
    }

    /** The group's instance behind a node, or null (no providerID, or an instance of no group we read). */
    CloudInstance instanceOf(NodeInfo n) {
        return n.instanceId() == null ? null : instances.get(n.instanceId());
    }
}
