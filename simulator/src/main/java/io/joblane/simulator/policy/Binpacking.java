package io.joblane.simulator.policy;

import io.joblane.simulator.cluster.NodeShape;
import io.joblane.simulator.cluster.NodeType;
import io.joblane.simulator.cluster.SimCluster;
import io.joblane.simulator.cluster.SimNode;
import io.joblane.simulator.cluster.SimPod;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The scale-up estimate shared by the cluster-autoscaler and Karpenter models: waiting pods, largest first, first fit
 * onto the nodes already booting (assumed empty, so nothing is ordered twice) and then onto new nodes of the shape.
 */
final class Binpacking {
    private Binpacking() {}

    /**
     * A node an estimate fills: its free room and its zone, null for a new node no pod has pinned yet (a pod pinned
     * to a zone narrows it, as a NodeClaim's requirements narrow with each pod it takes).
     */
    static final class Bin {
        long cpu;
        long memory;
        long gpu;
        int pods;
        String zone;

        Bin(NodeShape shape, String zone) {
            this.cpu = shape.usableCpu();
            this.memory = shape.usableMemory();
            this.gpu = shape.gpus();
            this.pods = shape.usablePods();
            this.zone = zone;
        }

        /** Room for the pod, and a zone it may run in (its volume's, if pinned). */
        boolean takes(SimPod pod) {
            return cpu >= pod.cpu && memory >= pod.memory && gpu >= pod.gpu && pods >= 1 && zoneAllows(pod);
        }

        private boolean zoneAllows(SimPod pod) {
            return pod.zone == null || zone == null || zone.equals(pod.zone);
        }

        void add(SimPod pod) {
            cpu -= pod.cpu;
            memory -= pod.memory;
            gpu -= pod.gpu;
            pods -= 1;
            if (zone == null) {
                zone = pod.zone;
            }
        }
    }

    /** How many new nodes the waiting pods need beyond the {@code booting} ones (of any zone). */
    static int newNodes(NodeShape shape, List<SimPod> waiting, int booting) {
        List<Bin> bins = new ArrayList<>();
        for (int i = 0; i < booting; i++) {
            bins.add(new Bin(shape, null));
        }
        return newBins(shape, leftAfter(largestFirst(shape, waiting), bins), null)
                .size();
    }

    /** The pods sorted largest first, by their shares of the shape's usable cpu and memory (a stable sort). */
    static List<SimPod> largestFirst(NodeShape shape, List<SimPod> waiting) {
        List<SimPod> pods = new ArrayList<>(waiting);
        pods.sort(Comparator.comparingDouble(
                        (SimPod p) -> (double) p.cpu / shape.usableCpu() + (double) p.memory / shape.usableMemory())
                .reversed());
        return pods;
    }

    /**
     * First fit of the pods, in order, onto {@code bins} (the nodes already booting, assumed empty, so nothing is
     * ordered twice); returns the pods none took, in order.
     */
    static List<SimPod> leftAfter(List<SimPod> pods, List<Bin> bins) {
        if (bins.isEmpty()) {
            return new ArrayList<>(pods); // no node booting: no tree to build
        }
        List<SimPod> left = new ArrayList<>();
        FirstFit fit = new FirstFit(bins.size(), bins);
        for (SimPod pod : pods) {
            if (!fit.place(pod)) {
                left.add(pod);
            }
        }
        return left;
    }

    /** First fit of the pods, in order, onto new nodes of the shape in {@code zone} (null: any); the nodes. */
    static List<Bin> newBins(NodeShape shape, List<SimPod> pods, String zone) {
        return newBins(shape, pods, zone, Integer.MAX_VALUE);
    }

    /**
     * The first {@code limit} nodes of {@link #newBins(NodeShape, List, String)}: first fit never puts a pod on a later
     * node when an earlier one takes it, so the nodes after the limit cannot change those before it; a caller that
     * launches at most {@code limit} nodes need not fill the rest (thousands of pods wait at the node cap).
     */
    static List<Bin> newBins(NodeShape shape, List<SimPod> pods, String zone, int limit) {
        FirstFit fit = new FirstFit(Math.min(pods.size(), limit), List.of());
        for (SimPod pod : pods) {
            if (!fit.place(pod) && fit.bins.size() < limit) {
                Bin bin = new Bin(shape, zone);
                bin.add(pod);
                fit.append(bin);
            }
        }
        return fit.bins;
    }

    /** First fit over bins in order: the first bin that takes a pod gets it ({@link RoomTree}). */
    private static final class FirstFit {
        final List<Bin> bins = new ArrayList<>();
        private final RoomTree tree;

        /** Room for {@code capacity} bins, the first of them {@code initial}. */
        FirstFit(int capacity, List<Bin> initial) {
            tree = new RoomTree(capacity);
            for (Bin bin : initial) {
                tree.put(bins.size(), bin.cpu, bin.memory, bin.gpu, bin.pods);
                bins.add(bin);
            }
            tree.build();
        }

        void append(Bin bin) {
            bins.add(bin);
            update(bins.size() - 1);
        }

        /** Puts the pod on the first bin that takes it; false when none does. */
        boolean place(SimPod pod) {
            int i = tree.first(pod, k -> bins.get(k).takes(pod)); // the zone, which the tree does not keep
            if (i < 0) {
                return false;
            }
            bins.get(i).add(pod);
            update(i);
            return true;
        }

        private void update(int i) {
            Bin bin = bins.get(i);
            tree.set(i, bin.cpu, bin.memory, bin.gpu, bin.pods);
        }
    }

    /** A node to launch: its type and zone (null: the cloud's choice). */
    record Launch(NodeType type, String zone) {}

    /**
     * Karpenter's provisioning over several instance types: pods, largest first, first fit onto the NodeClaims in
     * flight (the booting nodes, of their own types, assumed empty) and then onto new NodeClaims; a new NodeClaim keeps
     * every type that still holds all its pods and takes a pod only while one does (the scheduler's NodeClaim
     * {@code Add} narrowing its instance-type options); each is then launched as the cheapest of its options
     * (CreateFleet's lowest-price for on-demand), equal prices in the group's order. A pod pinned to a zone joins only a
     * NodeClaim of its zone or of none yet, which it pins. Returns the nodes to launch.
     */
    static List<Launch> newNodeClaims(SimCluster cluster, List<SimPod> waiting) {
        List<SimPod> pods = largestFirst(cluster.types.largest().shape(), waiting);
        List<Bin> booting = new ArrayList<>();
        for (SimNode n : cluster.booting()) {
            booting.add(new Bin(n.shape, n.zone));
        }
        List<Claim> claims = new ArrayList<>();
        for (SimPod pod : leftAfter(pods, booting)) {
            if (!addToClaim(claims, pod)) {
                Claim c = new Claim(cluster.types.types());
                c.add(pod);
                claims.add(c);
            }
        }
        List<NodeType> out = new ArrayList<>();
        List<Launch> launches = new ArrayList<>();
        for (Claim c : claims) {
            NodeType cheapest = null;
            for (NodeType t : c.options) {
                boolean room = cluster.nodesOfType(t.name()) + count(out, t) < t.capacity();
                if (room && (cheapest == null || t.pricePerHour() < cheapest.pricePerHour())) {
                    cheapest = t;
                }
            }
            if (cheapest != null) {
                out.add(cheapest);
                launches.add(new Launch(cheapest, c.zone));
            }
        }
        return launches;
    }

    private static int count(List<NodeType> types, NodeType t) {
        int n = 0;
        for (NodeType x : types) {
            if (x == t) {
                n++;
            }
        }
        return n;
    }

    private static boolean addToClaim(List<Claim> claims, SimPod pod) {
        for (Claim c : claims) {
            if (c.fits(pod)) {
                c.add(pod);
                return true;
            }
        }
        return false;
    }

    /** A NodeClaim being filled: its pods' totals, the instance types that still hold them all, and its zone. */
    private static final class Claim {
        final List<NodeType> options = new ArrayList<>();
        long cpu;
        long memory;
        long gpu;
        int pods;
        /** Null until a pod pinned to a zone joins: the NodeClaim's zone requirement. */
        String zone;

        Claim(List<NodeType> types) {
            options.addAll(types);
        }

        boolean fits(SimPod pod) {
            if (pod.zone != null && zone != null && !zone.equals(pod.zone)) {
                return false;
            }
            for (NodeType t : options) {
                if (holds(t.shape(), pod)) {
                    return true;
                }
            }
            return false;
        }

        private boolean holds(NodeShape s, SimPod pod) {
            return cpu + pod.cpu <= s.usableCpu()
                    && memory + pod.memory <= s.usableMemory()
                    && gpu + pod.gpu <= s.gpus()
                    && pods + 1 <= s.usablePods();
        }

        void add(SimPod pod) {
            options.removeIf(t -> !holds(t.shape(), pod));
            zone = zone == null ? pod.zone : zone;
            cpu += pod.cpu;
            memory += pod.memory;
            gpu += pod.gpu;
            pods++;
        }
    }
}
