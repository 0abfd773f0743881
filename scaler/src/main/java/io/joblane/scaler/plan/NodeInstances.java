package io.joblane.scaler.plan;

import io.joblane.scaler.cloud.CloudGroup;
import io.joblane.scaler.cloud.CloudInstance;
import io.joblane.scaler.cloud.InstanceList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The nodes' instances in their cloud groups' descriptions, kept per cloud group from scan to scan (handed from index
 * to index, loop thread): a node that is the very same object, its instance the very same object in the description,
 * keeps it without a lookup.
 */
final class NodeInstances {
    private final Map<String, Kept> kept = new HashMap<>();

    /**
     * Beside {@code nodes} one for one, the instance of each in the cloud group's description, null when none (no
     * instance id, or not in the group): what the description's instances by id ({@code byId}) say. Where no id
     * repeats in the description ({@code unique}), an instance found at the place after the last one matched, or a few
     * places on, is looked up no further (nodes mostly come in their instances' order).
     */
    CloudInstance[] of(
            SnapshotIndex index,
            List<NodeInfo> nodes,
            CloudGroup cloud,
            Map<String, CloudInstance> byId,
            boolean unique) {
        List<CloudInstance> list = cloud.instances();
        Kept last = kept.get(cloud.id());
        CloudInstance[] followed = unique && last != null ? followed(index, last, nodes, list, cloud.id(), byId) : null;
        return followed != null ? followed : walked(index, last, nodes, cloud.id(), list, byId, unique);
    }

    /** The answer followed from the last one's, or null when the description does not say how it came from it. */
    private CloudInstance[] followed(
            SnapshotIndex index,
            Kept last,
            List<NodeInfo> nodes,
            List<CloudInstance> list,
            String cloudId,
            Map<String, CloudInstance> byId) {
        if (last.list == list) {
            return sameDescription(index, last, nodes, cloudId, byId);
        }
        int[] moved = list instanceof InstanceList edited ? edited.placesFrom(last.list) : null;
        return moved == null ? null : editedDescription(index, last, nodes, (InstanceList) list, moved, cloudId, byId);
    }

    /** Every node's instance looked for: at its kept place when it has one, else a few places on, else by id. */
    private CloudInstance[] walked(
            SnapshotIndex index,
            Kept last,
            List<NodeInfo> nodes,
            String cloudId,
            List<CloudInstance> list,
            Map<String, CloudInstance> byId,
            boolean unique) {
        CloudInstance[] out = new CloudInstance[nodes.size()];
        int[] at = new int[nodes.size()];
        int[] keptAt = unique ? keptPositions(index, last, nodes, list) : null;
        int next = 0;
        for (int k = 0; k < out.length; k++) {
            at[k] = -1;
            int now = keptAt == null ? -1 : keptAt[k];
            if (now >= 0) {
                // The same node, its instance the same object still in the list: no id repeats, so it is the one.
                out[k] = list.get(now);
                at[k] = now;
                next = now + 1;
                continue;
            }
            String id = nodes.get(k).instanceId();
            if (unique) {
                lookUp(id, list, next, byId, k, out, at);
                next = at[k] >= 0 ? at[k] + 1 : next;
            } else {
                out[k] = id == null ? null : byId.get(id); // a place would not tell which object of the id
            }
        }
        if (unique) {
            kept.put(cloudId, new Kept(nodes, list, at, out));
        } else {
            kept.remove(cloudId);
        }
        return out;
    }

    /**
     * The description is the very list of the last call: the nodes that are the very same objects keep their instances
     * and positions, copied run by run ({@link NodeEdits#runs}); only the others are looked up, by id (no id repeats,
     * so it is the object a position would give).
     */
    private CloudInstance[] sameDescription(
            SnapshotIndex index, Kept last, List<NodeInfo> nodes, String cloudId, Map<String, CloudInstance> byId) {
        Carried c = carried(index, last, nodes);
        for (int k : c.fresh()) { // the nodes not found as they were
            String id = nodes.get(k).instanceId();
            c.out()[k] = id == null ? null : byId.get(id);
            c.at()[k] = -1;
        }
        return keep(cloudId, last, nodes, last.list, c, c.fresh(), c.fresh().length);
    }

    /**
     * Keeps the answer carried from {@code last} (and completed) for the next call; when no node moved, with the last
     * answer and the first {@code count} places of {@code looked}, those looked up again, for {@link #changedSince}.
     */
    private CloudInstance[] keep(
            String cloudId,
            Kept last,
            List<NodeInfo> nodes,
            List<CloudInstance> list,
            Carried c,
            int[] looked,
            int count) {
        boolean inPlace = NodeEdits.runsKeepPlaces(c.runs(), nodes.size(), last.out.length);
        int[] lookedAgain = !inPlace ? null : count == looked.length ? looked : Arrays.copyOf(looked, count);
        kept.put(cloudId, new Kept(nodes, list, c.at(), c.out(), inPlace ? last.out : null, lookedAgain));
        return c.out();
    }

    /** The last answer's instances and places brought to {@code nodes} run by run; the places no run covers. */
    private record Carried(int[] runs, CloudInstance[] out, int[] at, int[] fresh) {}

    private static Carried carried(SnapshotIndex index, Kept last, List<NodeInfo> nodes) {
        int n = nodes.size();
        int[] runs = NodeEdits.runs(index.pairing(last.nodes, nodes));
        CloudInstance[] out = new CloudInstance[n];
        int[] at = new int[n];
        NodeEdits.copyRuns(runs, last.out, out);
        NodeEdits.copyRuns(runs, last.at, at);
        return new Carried(runs, out, at, NodeEdits.fresh(runs, n));
    }

    /**
     * The description says how it came from the last call's ({@link InstanceList#editedFrom}): a node that is the very
     * same object keeps its instance, its place in the list followed through the edits, unless that instance went
     * (then a new object with its id, or none, is looked up); one without an instance looks again when instances
     * came; the nodes not found as they were are looked for as in a walk. {@code moved}: {@link
     * InstanceList#placesFrom}. Over RICC a third of the passes see a new description, about 22 of its some 1,300
     * objects new, and the walk read every node's instance where about 5 nodes are now looked up again.
     */
    private CloudInstance[] editedDescription(
            SnapshotIndex index,
            Kept last,
            List<NodeInfo> nodes,
            InstanceList list,
            int[] moved,
            String cloudId,
            Map<String, CloudInstance> byId) {
        int n = nodes.size();
        Carried c = carried(index, last, nodes);
        CloudInstance[] out = c.out();
        int[] at = c.at();
        int[] fresh = c.fresh();
        boolean came = !list.came().isEmpty();
        int[] looked = new int[Math.min(n, fresh.length + list.went().size() + 4)];
        int count = 0;
        int f = 0;
        int next = 0;
        for (int k = 0; k < n; k++) {
            boolean notFound = f < fresh.length && fresh[f] == k;
            f += notFound ? 1 : 0;
            int now = notFound || at[k] < 0 ? -1 : moved[at[k]];
            if (now >= 0) {
                at[k] = now; // the same object, still listed: its instance
            } else if (notFound || at[k] >= 0 || out[k] != null || came) {
                // New or changed, its instance went, found by id before (the place unknown), or none yet.
                lookUp(nodes.get(k).instanceId(), list, next, byId, k, out, at);
                looked = count == looked.length ? Arrays.copyOf(looked, 2 * count + 1) : looked;
                looked[count++] = k;
            }
            next = at[k] >= 0 ? at[k] + 1 : next;
        }
        return keep(cloudId, last, nodes, list, c, looked, count);
    }

    /** Place {@code k}'s instance of id {@code id}: a few places on from {@code next}, else by id (place -1). */
    private static void lookUp(
            String id,
            List<CloudInstance> list,
            int next,
            Map<String, CloudInstance> byId,
            int k,
            CloudInstance[] out,
            int[] at) {
        int found = id == null ? -1 : ByKey.keyAhead(list, next, id, CloudInstance::id);
        out[k] = found >= 0 ? list.get(found) : id == null ? null : byId.get(id);
        at[k] = found;
    }

    /**
     * A cloud group's last {@link #of} answer: the nodes asked, the description's list, beside each node the position
     * in that list of its instance (-1 when none or found by id), and the answer; when it was brought from the answer
     * before it (the same description or one that said how it came from it, no node moved), that answer and the places
     * looked up again.
     */
    private record Kept(
            List<NodeInfo> nodes,
            List<CloudInstance> list,
            int[] at,
            CloudInstance[] out,
            CloudInstance[] since,
            int[] changed) {
        Kept(List<NodeInfo> nodes, List<CloudInstance> list, int[] at, CloudInstance[] out) {
            this(nodes, list, at, out, null, null);
        }
    }

    /**
     * The places, in order, where the answer {@code answer} may differ from the answer before it, {@code since}, the
     * same places holding the same nodes: those looked up again; null when not known (a description that did not say
     * how it came from the last, a node moved, or not the answers given one after the other).
     */
    int[] changedSince(CloudInstance[] answer, CloudInstance[] since) {
        for (Kept k : kept.values()) {
            if (k.out == answer) {
                return k.since == since ? k.changed : null;
            }
        }
        return null;
    }

    /**
     * Beside {@code nodes}, the position in {@code list} of the instance {@code kept} found for the very same node
     * when that instance is the very same object in {@code list}, else -1; null without {@code kept}.
     */
    private static int[] keptPositions(SnapshotIndex index, Kept kept, List<NodeInfo> nodes, List<CloudInstance> list) {
        if (kept == null) {
            return null;
        }
        int[] nodeWas = index.pairing(kept.nodes, nodes);
        int[] moved = kept.list == list ? null : movedTo(kept.list, list);
        int[] out = new int[nodes.size()];
        for (int k = 0; k < out.length; k++) {
            int was = nodeWas[k] < 0 ? -1 : kept.at[nodeWas[k]];
            out[k] = was < 0 || moved == null ? was : moved[was];
        }
        return out;
    }

    /** Per position of {@code last}, where the very same instance is in {@code now}, -1 when not found. */
    private static int[] movedTo(List<CloudInstance> last, List<CloudInstance> now) {
        int[] was = ByKey.match(last, now);
        int[] to = new int[last.size()];
        java.util.Arrays.fill(to, -1);
        for (int q = 0; q < was.length; q++) {
            if (was[q] >= 0) {
                to[was[q]] = q;
            }
        }
        return to;
    }
}
