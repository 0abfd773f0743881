package io.joblane.scaler.plan;

import io.joblane.scaler.cloud.CloudInstance;
import io.joblane.scaler.cloud.InstanceList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The capacity instances of a cloud group's description for which no node is registered (in any group), in the
 * description's order: the loop's bookkeeping, the classification and cloud hygiene each ask it of the same
 * description, answered once per index. One per {@link SnapshotIndex}, made from the last index's, whose answer it
 * follows where it can: the same description with the nodes' instance ids unchanged keeps it; a description that says
 * which instances went and came ({@link InstanceList}) changes it by those alone (on RICC about 40 of 1,300
 * instances), rather than a walk that reads every instance and node. Loop thread.
 */
final class NodelessInstances {
    /** The last index's asked description and its answer (null: none). */
    private final List<CloudInstance> priorOf;

    private final List<CloudInstance> prior;
    /** Whether this index's nodes carry the same instance ids as the last index's. */
    private final boolean sameIds;
    /** Instance ids of the nodes new or changed since the last index, sorted; null with nothing to follow. */
    private final List<String> idsCame;
    /** Instance ids the last index's nodes had and this index's have not (as many times as they left), sorted. */
    private final List<String> idsLost;

    /** Whether the last answer's list ({@link #priorOf}) was known not to repeat an id. */
    private final boolean priorUnique;

    private List<CloudInstance> of;
    private List<CloudInstance> answer;
    private boolean ofUnique;

    private NodelessInstances(
            List<CloudInstance> priorOf,
            List<CloudInstance> prior,
            boolean sameIds,
            List<String> came,
            List<String> lost,
            boolean priorUnique) {
        this.priorUnique = priorUnique;
        this.priorOf = priorOf;
        this.prior = prior;
        this.sameIds = sameIds;
        this.idsCame = came;
        this.idsLost = lost;
    }

    /** For a first index, with nothing to follow. */
    static NodelessInstances first() {
        return new NodelessInstances(null, null, false, null, null, false);
    }

    /**
     * For an index whose {@code nodes} are {@code lastNodes} (the last index's, whose answers {@code last} holds) run
     * by run as {@code runs} gives (a {@link NodeEdits#runs} answer; the places outside them new or changed): only the
     * nodes outside the runs on either side are read.
     */
    static NodelessInstances after(NodelessInstances last, List<NodeInfo> lastNodes, List<NodeInfo> nodes, int[] runs) {
        if (last == null || last.of == null || runs == null) {
            return first();
        }
        List<String> came = new ArrayList<>();
        List<String> gone = new ArrayList<>();
        for (int i : NodeEdits.fresh(runs, nodes.size())) {
            came.add(nodes.get(i).instanceId());
        }
        for (int k : NodeEdits.left(runs, lastNodes.size())) {
            gone.add(lastNodes.get(k).instanceId());
        }
        if (came.isEmpty() && gone.isEmpty()) {
            return new NodelessInstances(last.of, last.answer, true, List.of(), List.of(), last.ofUnique);
        }
        came.removeIf(Objects::isNull);
        gone.removeIf(Objects::isNull);
        Collections.sort(came);
        Collections.sort(gone);
        boolean same = came.equals(gone);
        return new NodelessInstances(
                last.of, last.answer, same, came, same ? List.of() : lost(gone, came), last.ofUnique);
    }

    /** {@code gone} without one of each of {@code came} (both sorted). */
    private static List<String> lost(List<String> gone, List<String> came) {
        List<String> out = new ArrayList<>();
        int c = 0;
        for (String id : gone) {
            while (c < came.size() && came.get(c).compareTo(id) < 0) {
                c++;
            }
            if (c < came.size() && came.get(c).equals(id)) {
                c++; // a node of that instance came again (the node or its pods changed)
            } else {
                out.add(id);
            }
        }
        return out;
    }

    /**
     * The answer for {@code instances}, whose ids are known not to repeat when {@code uniqueIds}; {@code byInstance}
     * gives this index's nodes by instance id (asked only when a node must be looked up), {@code nodes} this index's
     * nodes.
     */
    List<CloudInstance> of(
            List<CloudInstance> instances,
            boolean uniqueIds,
            List<NodeInfo> nodes,
            Supplier<Map<String, NodeInfo>> byInstance) {
        if (of == instances) {
            return answer;
        }
        List<CloudInstance> found =
                instances == priorOf && sameIds ? prior : followed(instances, uniqueIds, byInstance);
        answer = found != null ? found : Collections.unmodifiableList(walk(instances, nodes, byInstance));
        of = instances;
        ofUnique = uniqueIds;
        return answer;
    }

    /** The answer changed by the description's own edits, or null when they cannot tell it. */
    private List<CloudInstance> followed(
            List<CloudInstance> instances, boolean uniqueIds, Supplier<Map<String, NodeInfo>> byInstance) {
        InstanceList now = editedFromPrior(instances);
        if (now == null) {
            return null;
        }
        boolean sameList = now == priorOf;
        List<CloudInstance> went = sameList ? List.of() : now.went();
        List<CloudInstance> came = sameList ? List.of() : now.came();
        Map<String, CloudInstance> wentById = byId(went);
        if (wentById == null || !lostExplained(uniqueIds, wentById, came)) {
            return null;
        }
        List<CloudInstance> kept = kept(went);
        List<CloudInstance> added = added(came, wentById, byInstance);
        if (added.isEmpty()) {
            return Collections.unmodifiableList(kept);
        }
        return kept.isEmpty() ? Collections.unmodifiableList(added) : merged(now, kept, added);
    }

    /** {@code instances} when it is the last answer's list or says how it came from it, else null. */
    private InstanceList editedFromPrior(List<CloudInstance> instances) {
        if (prior == null || idsCame == null || !(instances instanceof InstanceList now)) {
            return null;
        }
        return now == priorOf || now.editedFrom() == priorOf ? now : null;
    }

    /** The last answer's instances still listed and still without a node, in order. */
    private List<CloudInstance> kept(List<CloudInstance> went) {
        Set<CloudInstance> gone = identitySet(went);
        List<CloudInstance> out = new ArrayList<>();
        for (CloudInstance i : prior) {
            // The same object: still capacity, and without a node before; a node with its id now is one that came.
            if (!gone.contains(i) && (i.id() == null || !has(idsCame, i.id()))) {
                out.add(i);
            }
        }
        return out;
    }

    /** The instances by id, or null when an id is listed twice (which object had the node only the walk tells). */
    private static Map<String, CloudInstance> byId(List<CloudInstance> instances) {
        Map<String, CloudInstance> out = new HashMap<>();
        for (CloudInstance i : instances) {
            if (out.put(i.id(), i) != null) {
                return null;
            }
        }
        return out;
    }

    /**
     * Whether every instance whose node left went or came too: one that stayed where it was is nodeless at a place
     * only a walk finds. With ids that may repeat, now or in the last list, another object with the id may have
     * stayed: never.
     */
    private boolean lostExplained(boolean uniqueIds, Map<String, CloudInstance> wentById, List<CloudInstance> came) {
        if (idsLost.isEmpty()) {
            return true;
        }
        if (!uniqueIds || !priorUnique) {
            return false;
        }
        Set<String> edited = new java.util.HashSet<>(wentById.keySet());
        came.forEach(i -> edited.add(i.id()));
        return edited.containsAll(idsLost);
    }

    /** The capacity instances of {@code came} without a node, in order: looked up only when the changes cannot tell. */
    private List<CloudInstance> added(
            List<CloudInstance> came, Map<String, CloudInstance> wentById, Supplier<Map<String, NodeInfo>> byInstance) {
        Set<CloudInstance> wasNodeless = came.isEmpty() ? Set.of() : identitySet(prior);
        Map<String, NodeInfo> nodesBy = null;
        List<CloudInstance> out = new ArrayList<>();
        for (CloudInstance i : came) {
            if (!i.state().isCapacity()) {
                continue;
            }
            Boolean node = hasNode(i, wentById.get(i.id()), wasNodeless);
            if (node == null) {
                nodesBy = nodesBy != null ? nodesBy : byInstance.get();
                node = nodesBy.get(i.id()) != null;
            }
            if (!node) {
                out.add(i);
            }
        }
        return out;
    }

    /**
     * Whether a node carries instance {@code i} (new in the description), told by the nodes' changes alone: a node
     * with its id came, or the object it replaced ({@code before}, null: none) had a node that did not leave; null
     * when only a lookup can tell (a new id, whose node might have registered before it was described).
     */
    private Boolean hasNode(CloudInstance i, CloudInstance before, Set<CloudInstance> wasNodeless) {
        if (i.id() == null) {
            return false;
        }
        if (has(idsCame, i.id())) {
            return true;
        }
        if (before == null || !before.state().isCapacity() || has(idsLost, i.id())) {
            return null;
        }
        return !wasNodeless.contains(before); // no new node with its id: it has the node it had, or none
    }

    private static boolean has(List<String> sorted, String id) {
        return Collections.binarySearch(sorted, id) >= 0;
    }

    /** {@code kept} and {@code added}, both in {@code now}'s order, merged in that order; null if they are not. */
    private static List<CloudInstance> merged(
            List<CloudInstance> now, List<CloudInstance> kept, List<CloudInstance> added) {
        List<CloudInstance> out = new ArrayList<>(kept.size() + added.size());
        int k = 0;
        int a = 0;
        for (int q = 0; q < now.size() && k + a < kept.size() + added.size(); q++) {
            CloudInstance i = now.get(q); // references compared: the list's array, no instance read
            if (k < kept.size() && i == kept.get(k)) {
                out.add(i);
                k++;
            } else if (a < added.size() && i == added.get(a)) {
                out.add(i);
                a++;
            }
        }
        return k == kept.size() && a == added.size() ? Collections.unmodifiableList(out) : null;
    }

    /** Every instance of {@code instances} read: the answer when nothing can be followed. */
    private static List<CloudInstance> walk(
            List<CloudInstance> instances, List<NodeInfo> nodes, Supplier<Map<String, NodeInfo>> byInstance) {
        List<CloudInstance> out = new ArrayList<>();
        Map<String, NodeInfo> nodesBy = null; // asked only for instances whose node is not at the next place
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
            nodesBy = nodesBy != null ? nodesBy : byInstance.get();
            if (nodesBy.get(i.id()) == null) {
                out.add(i);
            }
        }
        return out;
    }

    private static Set<CloudInstance> identitySet(List<CloudInstance> instances) {
        Set<CloudInstance> out = Collections.newSetFromMap(new IdentityHashMap<>(instances.size()));
        out.addAll(instances); // sized at once: a set grown by doubling rehashes every entry at each step
        return out;
    }
}
