package io.joblane.simulator.cluster;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The nodes that accept pods, in buckets of equal shape, equal load (requested cpu, memory, GPU, pod count) and equal
 * PreferNoSchedule taint: every node of a bucket fits and scores the same for any pod, so the scheduler and the drain
 * simulation look at the buckets, a few dozen on a cluster of thousands of nodes, instead of every node. Each bucket
 * keeps its nodes in node order (launch order), as the full scans it replaces met them. Kept current by
 * {@link SimCluster} on every change of a node's load or schedulability; single-threaded.
 */
final class LoadBuckets {
    static final Comparator<SimNode> NODE_ORDER = Comparator.comparingLong(n -> n.seq);

    /** Nodes of one load (its key's), in node order. */
    static final class Bucket extends Key {
        final NodeRun nodes; // keeps lane ends once a pod has a lane: the scheduler reads them beside the nodes
        private int position;

        private Bucket(Key key, NodeRun nodes) {
            super(key.shape, key.cpu, key.memory, key.gpu, key.pods, key.preferNot);
            this.nodes = nodes;
        }

        boolean fits(SimPod pod) {
            return cpu + pod.cpu <= shape.cpuMillis()
                    && memory + pod.memory <= shape.memoryMillis()
                    && gpu + pod.gpu <= shape.gpus()
                    && pods + 1 <= shape.pods();
        }

        /** Whether {@code n}'s shape, load and taint are this bucket's. */
        boolean holds(SimNode n) {
            if (shape != n.shape || preferNot != (n.drainTaint == SimNode.Taint.PREFER_NO_SCHEDULE)) {
                return false;
            }
            return cpu == n.usedCpu && memory == n.usedMemory && gpu == n.usedGpu && pods == n.usedPods;
        }

        /** The first node in node order that is none of {@code skip}, or null. */
        SimNode firstExcept(List<SimNode> skip) {
            for (SimNode n : nodes) {
                if (!skip.contains(n)) {
                    return n;
                }
            }
            return null;
        }

        private void add(SimNode node) {
            nodes.add(node);
        }

        private void remove(SimNode node) {
            nodes.remove(node);
        }
    }

    /**
     * A bucket's shape, load and taint. The shape is compared by identity, as {@link Bucket#holds} does (a node's
     * shape is its type's one instance), and the hash is computed once: hashing the shape's value would read every
     * field of it at every bind and completion.
     */
    static class Key {
        final NodeShape shape;
        final long cpu;
        final long memory;
        final long gpu;
        final int pods;
        final boolean preferNot;
        private final int hash;

        Key(NodeShape shape, long cpu, long memory, long gpu, int pods, boolean preferNot) {
            this.shape = shape;
            this.cpu = cpu;
            this.memory = memory;
            this.gpu = gpu;
            this.pods = pods;
            this.preferNot = preferNot;
            int h = System.identityHashCode(shape);
            h = 31 * h + Long.hashCode(cpu);
            h = 31 * h + Long.hashCode(memory);
            h = 31 * h + Long.hashCode(gpu);
            h = 31 * h + pods;
            this.hash = 31 * h + (preferNot ? 1 : 0);
        }

        static Key of(SimNode n) {
            return new Key(
                    n.shape,
                    n.usedCpu,
                    n.usedMemory,
                    n.usedGpu,
                    n.usedPods,
                    n.drainTaint == SimNode.Taint.PREFER_NO_SCHEDULE);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k
                    && shape == k.shape
                    && cpu == k.cpu
                    && memory == k.memory
                    && gpu == k.gpu
                    && pods == k.pods
                    && preferNot == k.preferNot;
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private final Map<Key, Bucket> byKey = new HashMap<>();
    private final List<Bucket> buckets = new ArrayList<>();
    /** Runs of buckets that emptied, for new ones: a bind or completion empties and opens buckets all the time. */
    private final ArrayDeque<NodeRun> spareRuns = new ArrayDeque<>();
    /** Whether the runs keep their nodes' lane ends: from the first pod with a lane on ({@link #keepLaneEnds}). */
    private boolean laneEnds;

    /**
     * From now on every run keeps its nodes' lane ends, for a pick by lane ends; until then a lane-end change is not
     * followed (the nodes hold it), and a bind or completion does not move a third array.
     */
    void keepLaneEnds() {
        if (laneEnds) {
            return;
        }
        laneEnds = true;
        for (Bucket b : buckets) {
            b.nodes.keepLaneEnds();
        }
        spareRuns.forEach(NodeRun::keepLaneEnds);
    }

    /** The buckets, in no particular order; do not change. */
    List<Bucket> buckets() {
        return buckets;
    }

    /** Moves {@code node} to the bucket of its current load, or out of every bucket if it no longer accepts pods. */
    void update(SimNode node) {
        Bucket old = node.bucket;
        boolean accepts = node.acceptsPods() && !node.removed;
        if (old != null) {
            if (accepts && old.holds(node)) {
                return;
            }
            old.remove(node);
            node.bucket = null;
            if (old.nodes.isEmpty()) {
                byKey.remove(old); // equal to its key
                spareRuns.push(old.nodes); // no one holds a bucket across updates
                Bucket last = buckets.remove(buckets.size() - 1);
                if (last != old) {
                    buckets.set(old.position, last);
                    last.position = old.position;
                }
            }
        }
        if (accepts) {
            Bucket b = byKey.computeIfAbsent(Key.of(node), k -> {
                NodeRun run = spareRuns.poll();
                Bucket created = new Bucket(k, run != null ? run : new NodeRun(laneEnds));
                created.position = buckets.size();
                buckets.add(created);
                return created;
            });
            b.add(node);
            node.bucket = b;
        }
    }
}
