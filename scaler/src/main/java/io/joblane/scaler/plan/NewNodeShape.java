package io.joblane.scaler.plan;

import io.joblane.model.WellKnown;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Step "shape" of the planning pass: the allocatable a new node of the group is planned with, the DaemonSet
 * overhead every bin loses, and the resource dimensions of the pass's vectors.
 */
final class NewNodeShape {
    private final Resources allocatable;
    private final Resources overhead;
    private final Dimensions dims;
    private final long[] overheadVector;

    private NewNodeShape(Resources allocatable, Resources overhead, Dimensions dims) {
        this.allocatable = allocatable;
        this.overhead = overhead;
        this.dims = dims;
        this.overheadVector = dims.vector(overhead);
    }

    static NewNodeShape learn(PassInput in, List<NodeInfo> nodes, List<PodInfo> pending) {
        GroupSpec spec = in.spec();
        List<DaemonSetInfo> daemonSets = in.index().snapshot().daemonSets();
        Resources overhead = spec.daemonSetOverhead(daemonSets)
                .plus(Resources.ofMillis(Map.of(
                        Dimensions.PODS,
                        Dimensions.POD_SLOT
                                * daemonSets.stream()
                                        .filter(ds -> ds.landsOn(spec.nodeLabels(), spec.taints()))
                                        .count())));
        Resources shape = in.learnShape() ? mostCommonAllocatable(spec, nodes) : spec.shape();
        // Slots in this order: the vectors' layout decides ties in the packing order.
        Dimensions dims = new Dimensions();
        dims.add(shape);
        dims.add(overhead);
        dims.add(Dimensions.PODS);
        for (NodeInfo n : nodes) {
            dims.add(n.allocatable());
        }
        for (PodInfo p : pending) {
            dims.add(p.requests());
        }
        return new NewNodeShape(shape, overhead, dims);
    }

    /** The most common allocatable among Ready nodes: new nodes come from the same launch template. */
    private static Resources mostCommonAllocatable(GroupSpec spec, List<NodeInfo> nodes) {
        Map<Resources, Integer> counts = new HashMap<>();
        for (NodeInfo n : nodes) {
            if (n.ready() && !n.allocatable().isZero() && n.advertisesExtended(spec.shape())) {
                counts.merge(n.allocatable(), 1, Integer::sum);
            }
        }
        return counts.entrySet().stream()
                .max(Map.Entry.<Resources, Integer>comparingByValue()
                        .thenComparing(e -> -e.getKey().get(WellKnown.RESOURCE_CPU)))
                .map(Map.Entry::getKey)
                .orElse(spec.shape());
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
