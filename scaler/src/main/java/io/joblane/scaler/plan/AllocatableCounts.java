package io.joblane.scaler.plan;

import io.joblane.model.WellKnown;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A group's nodes counted by allocatable (equal values together), kept from pass to pass by the index: brought to a
 * pass's list through the index's pairing, reading only the nodes that came or went, so the new-node shape learnt from
 * the most common allocatable and the names of the nodes' resources cost no walk over every node. Loop thread only.
 */
final class AllocatableCounts {
    /** The nodes the counts are of (the very list object). */
    private List<NodeInfo> nodes = List.of();
    /** By allocatable: {nodes, Ready nodes}. */
    private final Map<Resources, int[]> counts = new HashMap<>();
    /** An update under way, or one that failed half way: the counts are then made afresh at the next. */
    private boolean updating;

    /** Counts {@code now}'s nodes, from those of the list last counted. */
    void update(SnapshotIndex index, List<NodeInfo> now) {
        if (now == nodes && !updating) {
            return;
        }
        if (updating) {
            counts.clear();
            nodes = List.of();
        }
        updating = true;
        int[] was = index.pairing(nodes, now);
        for (int i = 0; i < was.length; i++) {
            if (was[i] < 0) {
                count(now.get(i), 1);
            }
        }
        boolean[] stayed = NodeEdits.carried(was, nodes.size());
        for (int q = 0; q < stayed.length; q++) {
            if (!stayed[q]) {
                count(nodes.get(q), -1);
            }
        }
        nodes = now;
        updating = false;
    }

    private void count(NodeInfo n, int by) {
        int[] c = counts.computeIfAbsent(n.allocatable(), a -> new int[2]);
        c[0] += by;
        c[1] += n.ready() ? by : 0;
        if (c[0] == 0) {
            counts.remove(n.allocatable());
        }
    }

    /**
     * The allocatable of the most Ready nodes among those that are not zero and advertise {@code template}'s extended
     * resources, the one with fewer CPUs on a tie; {@code template} when there is none; null when two tie on both
     * (then the order the nodes come in decides, and the caller counts them in that order).
     */
    Resources mostCommon(Resources template) {
        Resources best = null;
        int bestCount = 0;
        boolean tied = false;
        for (Map.Entry<Resources, int[]> e : counts.entrySet()) {
            Resources a = e.getKey();
            int ready = e.getValue()[1];
            if (ready == 0 || !learnable(a, template)) {
                continue;
            }
            int order = best == null ? 1 : moreCommon(ready, a, bestCount, best);
            if (order > 0) {
                best = a;
                bestCount = ready;
                tied = false;
            } else if (order == 0) {
                tied = true;
            }
        }
        return tied ? null : best == null ? template : best;
    }

    /** Whether new nodes may take this allocatable: not zero, and advertising the template's extended resources. */
    static boolean learnable(Resources allocatable, Resources template) {
        return !allocatable.isZero() && NodeInfo.advertisesExtended(allocatable, template);
    }

    /** Above 0 when {@code count} nodes of {@code a} beat {@code otherCount} of {@code other} (fewer CPUs on a tie). */
    static int moreCommon(int count, Resources a, int otherCount, Resources other) {
        int byCount = Integer.compare(count, otherCount);
        return byCount != 0 ? byCount : Long.compare(other.get(WellKnown.RESOURCE_CPU), a.get(WellKnown.RESOURCE_CPU));
    }

    /** The distinct allocatables of the nodes counted (a view: asked at every pass). */
    Collection<Resources> distinct() {
        return Collections.unmodifiableSet(counts.keySet());
    }
}
