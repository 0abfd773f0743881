package io.joblane.scaler.plan;

import io.joblane.scaler.cloud.CloudGroup;
import io.joblane.scaler.cloud.CloudInstance;
import io.joblane.scaler.cloud.InstanceList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Per cloud group, the capacity instances for which no node is registered (in any group), in the description's order:
 * the loop's bookkeeping, classification and cloud hygiene each ask it at every scan. Kept from index to index (loop
 * thread): when the last answer was for the nodes this index's came from and for the same description or one that says
 * how it came from it ({@link InstanceList}), the answer is derived from what changed (the instance objects that came
 * and went, the nodes that came, changed or left) rather than by a walk over every instance and node.
 */
final class NodelessInstances {
    /** An answer, with the description and the nodes it is for. */
    private record Answer(List<CloudInstance> of, List<NodeInfo> nodes, List<CloudInstance> answer) {}

    private final Map<String, Answer> byGroup = new HashMap<>();
    /** Answers found by a walk so far, not derived. */
    private int walks;

    /** The nodeless capacity instances of {@code cloud}'s description with {@code index}'s nodes. */
    List<CloudInstance> of(CloudGroup cloud, SnapshotIndex index) {
        List<CloudInstance> instances = cloud.instances();
        List<NodeInfo> nodes = index.snapshot().nodes();
        Answer last = byGroup.get(cloud.id());
        if (last != null && last.of == instances && last.nodes == nodes) {
            return last.answer;
        }
        List<CloudInstance> answer = last == null ? null : derived(last, cloud, index);
        if (answer == null) {
            answer = walk(instances, index);
            walks++;
        }
        byGroup.put(cloud.id(), new Answer(instances, nodes, answer));
        return answer;
    }

    /** Answers found by a walk so far, not derived from the last one. */
    int walks() {
        return walks;
    }

    /**
     * The answer for {@code cloud} and {@code index}'s nodes from {@code last}'s, or null when it cannot be derived:
     * another description or nodes not known to come from the last answer's, ids repeated in the description, or a
     * node gone whose instance is still capacity (its place in the description is not known without a walk).
     */
    private static List<CloudInstance> derived(Answer last, CloudGroup cloud, SnapshotIndex index) {
        List<CloudInstance> instances = cloud.instances();
        InstanceList edited = instances instanceof InstanceList e && e.editedFrom() == last.of ? e : null;
        if (instances != last.of && edited == null || !nodesFollow(last, cloud, index)) {
            return null;
        }
        List<CloudInstance> came = edited == null ? List.of() : edited.came();
        Set<CloudInstance> gone = Collections.newSetFromMap(new IdentityHashMap<>());
        gone.addAll(edited == null ? List.of() : edited.went());
        List<CloudInstance> stay = new ArrayList<>(last.answer.size());
        for (CloudInstance i : last.answer) { // capacity still: an instance object does not change
            if (!gone.contains(i) && index.nodeOfInstance(i.id()) == null) {
                stay.add(i);
            }
        }
        List<CloudInstance> fresh = new ArrayList<>(0);
        for (CloudInstance i : came) {
            if (i.state().isCapacity() && index.nodeOfInstance(i.id()) == null) {
                fresh.add(i);
            }
        }
        return interleaved(stay, fresh, instances);
    }

    /**
     * Whether the last answer's nodes lead to {@code index}'s by known places, no node that left had an instance still
     * capacity and now without a node, and no instance id repeats (one looked up by id is the only one).
     */
    private static boolean nodesFollow(Answer last, CloudGroup cloud, SnapshotIndex index) {
        if (last.nodes == index.snapshot().nodes()) {
            return true;
        }
        int[] was = index.nodesWasFrom(last.nodes);
        return was != null
                && !index.instanceIdsRepeat(cloud)
                && !aNodeLeftItsCapacityInstance(last.nodes, was, cloud, index);
    }

    /**
     * Whether a node of the last answer's ({@code last}) that this index's nodes do not carry over ({@code was}: gone
     * or changed) had an instance that now has no node and is capacity in the description.
     */
    private static boolean aNodeLeftItsCapacityInstance(
            List<NodeInfo> last, int[] was, CloudGroup cloud, SnapshotIndex index) {
        boolean[] carried = NodeEdits.carried(was, last.size());
        Map<String, CloudInstance> byId = null;
        for (int p = 0; p < carried.length; p++) {
            String id = carried[p] ? null : last.get(p).instanceId();
            if (id == null || index.nodeOfInstance(id) != null) {
                continue;
            }
            byId = byId != null ? byId : index.instancesById(cloud);
            CloudInstance i = byId.get(id);
            if (i != null && i.state().isCapacity()) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code stay} and {@code fresh}, each in {@code instances}' order, as one list in that order: one walk of its
     * references, compared only. Null when one is not found there (a description not as it said it came).
     */
    private static List<CloudInstance> interleaved(
            List<CloudInstance> stay, List<CloudInstance> fresh, List<CloudInstance> instances) {
        if (fresh.isEmpty()) {
            return Collections.unmodifiableList(stay);
        }
        List<CloudInstance> out = new ArrayList<>(stay.size() + fresh.size());
        int a = 0;
        int b = 0;
        for (int k = 0; k < instances.size() && a + b < stay.size() + fresh.size(); k++) {
            CloudInstance i = instances.get(k);
            if (a < stay.size() && i == stay.get(a)) {
                out.add(stay.get(a++));
            } else if (b < fresh.size() && i == fresh.get(b)) {
                out.add(fresh.get(b++));
            }
        }
        return a + b == stay.size() + fresh.size() ? Collections.unmodifiableList(out) : null;
    }

    /** The answer by a walk over every instance, each looked for among the nodes. */
    private static List<CloudInstance> walk(List<CloudInstance> instances, SnapshotIndex index) {
        List<CloudInstance> out = new ArrayList<>();
        List<NodeInfo> nodes = index.snapshot().nodes();
        int next = 0;
        for (CloudInstance i : instances) {
            if (!i.state().isCapacity()) {
                continue;
            }
            // Nodes mostly come in their instances' order: a node found a few places on has that instance.
            int at = i.id() == null ? -1 : ByKey.keyAhead(nodes, next, i.id(), NodeInfo::instanceId);
            if (at >= 0) {
                next = at + 1;
                continue;
            }
            if (index.nodeOfInstance(i.id()) == null) {
                out.add(i);
            }
        }
        return Collections.unmodifiableList(out);
    }
}
