package io.joblane.scaler.plan;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Step "shape" of the planning pass: the allocatable a new node of the group is planned with, the DaemonSet
 * overhead every bin loses, and the resource dimensions of the pass's vectors; per kind of new node
 * ({@link PassInput#kinds}) the capacity an empty new node of that kind offers pods.
 */
final class NewNodeShape {
    private final Resources allocatable;
    private final Resources overhead;
    private final Dimensions dims;
    private final long[] overheadVector;
    /** Per kind of new node: what an empty one offers pods (its allocatable minus its own DaemonSet overhead). */
    private final List<long[]> kindFree;
    /** Per kind, when the group has several: what an empty node of each type its ASGs may launch offers pods. */
    private final List<List<long[]>> kindTypesFree = new java.util.ArrayList<>();

    private NewNodeShape(
            Resources allocatable,
            Resources overhead,
            Dimensions dims,
            List<Resources> kindShapes,
            List<Resources> kindOverheads,
            List<List<Resources>> kindTypeShapes) {
        this.allocatable = allocatable;
        this.overhead = overhead;
        this.dims = dims;
        this.overheadVector = dims.vector(overhead);
        this.kindFree = new java.util.ArrayList<>();
        for (int k = 0; k < kindShapes.size(); k++) {
            long[] v = new long[dims.count()];
            dims.capacity(kindShapes.get(k), v);
            long[] o = dims.vector(kindOverheads.get(k));
            for (int d = 0; d < v.length; d++) {
                v[d] -= o[d];
            }
            kindFree.add(v);
        }
        for (int k = 0; k < kindTypeShapes.size(); k++) {
            List<long[]> types = new java.util.ArrayList<>();
            for (Resources typeShape : kindTypeShapes.get(k)) {
                types.add(minus(dims, typeShape, kindOverheads.get(k)));
            }
            kindTypesFree.add(types);
        }
    }

    private static long[] minus(Dimensions dims, Resources shape, Resources overhead) {
        long[] v = new long[dims.count()];
        dims.capacity(shape, v);
        long[] o = dims.vector(overhead);
        for (int d = 0; d < v.length; d++) {
            v[d] -= o[d];
        }
        return v;
    }

    static NewNodeShape learn(PassInput in, List<NodeInfo> nodes, List<PodInfo> pending) {
        GroupSpec spec = in.spec();
        List<DaemonSetInfo> daemonSets = in.index().snapshot().daemonSets();
        Resources overhead = overhead(daemonSets, spec.nodeLabels(), spec.taints());
        AllocatableCounts counts = in.index().allocatableCounts(spec.name(), nodes);
        Resources learnt = in.learnShape() ? counts.mostCommon(spec.shape()) : spec.shape();
        Resources shape = learnt != null ? learnt : mostCommonAllocatable(spec, nodes); // a tie: node order decides
        // With one kind its shape is the pass's (learnt or the spec's); with several each kind has its own.
        List<Resources> kindShapes = new java.util.ArrayList<>();
        List<Resources> kindOverheads = new java.util.ArrayList<>();
        List<List<Resources>> kindTypeShapes = new java.util.ArrayList<>();
        if (in.kinds().size() <= 1) {
            kindShapes.add(shape);
            kindOverheads.add(overhead);
        } else {
            for (NewNodeKind k : in.kinds()) {
                kindShapes.add(k.shape());
                kindOverheads.add(overhead(daemonSets, k.labels(), k.taints()));
                kindTypeShapes.add(k.classShapes());
            }
        }
        // Slots in this order: the vectors' layout decides ties in the packing order.
        Dimensions dims = new Dimensions();
        dims.add(shape);
        dims.add(overhead);
        dims.add(Dimensions.PODS);
        for (int k = 0; k < kindShapes.size(); k++) {
            dims.add(kindShapes.get(k));
            dims.add(kindOverheads.get(k));
        }
        kindTypeShapes.forEach(shapes -> shapes.forEach(dims::add));
        // The nodes' names, in node order: only when one of their allocatables has a name no slot has yet.
        if (!counts.distinct().stream().allMatch(dims::hasSlotsFor)) {
            Resources last = null;
            for (NodeInfo n : nodes) {
                if (n.allocatable() != last) { // nodes of one shape share it, mostly in a row: its names are added
                    dims.add(last = n.allocatable());
                }
            }
        }
        for (PodInfo p : pending) {
            dims.add(p.requests());
        }
        return new NewNodeShape(shape, overhead, dims, kindShapes, kindOverheads, kindTypeShapes);
    }

    /** The requests of the DaemonSets that land on a node with these labels and taints, one pod slot each. */
    private static Resources overhead(
            List<DaemonSetInfo> daemonSets, Map<String, String> labels, List<io.joblane.model.config.Taint> taints) {
        Resources sum = Resources.ZERO;
        long landing = 0;
        for (DaemonSetInfo ds : daemonSets) {
            if (ds.landsOn(labels, taints)) {
                sum = sum.plus(ds.podRequests());
                landing++;
            }
        }
        return sum.plus(Resources.ofMillis(Map.of(Dimensions.PODS, Dimensions.POD_SLOT * landing)));
    }

    /**
     * What an empty node of each instance type kind {@code k}'s ASGs may launch offers pods; empty when the group has
     * one kind (its several types are planned pass by pass instead).
     */
    List<long[]> freeWhenNewOfEveryType(int k) {
        return kindTypesFree.isEmpty() ? List.of() : kindTypesFree.get(k);
    }

    /** The number of kinds of new node of the pass. */
    int kinds() {
        return kindFree.size();
    }

    /** What an empty new node of kind {@code k} offers pods (its allocatable minus its DaemonSet overhead). */
    long[] freeWhenNew(int k) {
        return kindFree.get(k);
    }

    /** The most common allocatable among Ready nodes: new nodes come from the same launch template. */
    static Resources mostCommonAllocatable(GroupSpec spec, List<NodeInfo> nodes) {
        Map<Resources, Integer> counts = new HashMap<>();
        // Counted run by run of the same object (nodes of one shape share it, mostly in a row): one merge per run.
        Resources run = null;
        int inRun = 0;
        for (NodeInfo n : nodes) {
            if (n.ready() && AllocatableCounts.learnable(n.allocatable(), spec.shape())) {
                if (n.allocatable() != run) {
                    if (inRun > 0) {
                        counts.merge(run, inRun, Integer::sum);
                    }
                    run = n.allocatable();
                    inRun = 0;
                }
                inRun++;
            }
        }
        if (inRun > 0) {
            counts.merge(run, inRun, Integer::sum);
        }
        Resources best = null; // the first met of those that tie on count and CPUs, as the counts' order has them
        int bestCount = 0;
        for (Map.Entry<Resources, Integer> e : counts.entrySet()) {
            if (best == null || AllocatableCounts.moreCommon(e.getValue(), e.getKey(), bestCount, best) > 0) {
                best = e.getKey();
                bestCount = e.getValue();
            }
        }
        return best == null ? spec.shape() : best;
    }

    Resources allocatable() {
        return allocatable;
    }

    Resources overhead() {
        return overhead;
    }

    Dimensions dims() {
        return dims;
    }

    /** The DaemonSet overhead as a vector of {@link #dims}: what {@link #freeWhenEmpty} subtracts. */
    long[] overheadVector() {
        return overheadVector;
    }

    /** What pods can use on an empty node with this allocatable: the allocatable minus the DaemonSet overhead. */
    long[] freeWhenEmpty(Resources nodeAllocatable) {
        long[] v = new long[dims.count()];
        dims.capacity(nodeAllocatable, v);
        for (int d = 0; d < v.length; d++) {
            v[d] -= overheadVector[d];
        }
        return v;
    }
}
