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

    /** How many new nodes the waiting pods need beyond the {@code booting} ones. */
    static int newNodes(NodeShape shape, List<SimPod> waiting, int booting) {
        List<SimPod> pods = new ArrayList<>(waiting);
        pods.sort(Comparator.comparingDouble(
                        (SimPod p) -> (double) p.cpu / shape.usableCpu() + (double) p.memory / shape.usableMemory())
                .reversed());
        List<long[]> bins = new ArrayList<>();
        for (int i = 0; i < booting; i++) {
            bins.add(emptyBin(shape));
        }
        for (SimPod pod : pods) {
            long[] target = null;
            for (long[] bin : bins) {
                if (bin[0] >= pod.cpu && bin[1] >= pod.memory && bin[2] >= pod.gpu && bin[3] >= 1) {
                    target = bin;
                    break;
                }
            }
            if (target == null) {
                target = emptyBin(shape);
                bins.add(target);
            }
            target[0] -= pod.cpu;
            target[1] -= pod.memory;
            target[2] -= pod.gpu;
            target[3] -= 1;
        }
        return bins.size() - booting;
    }

    private static long[] emptyBin(NodeShape shape) {
        return new long[] {shape.usableCpu(), shape.usableMemory(), shape.gpus(), shape.usablePods()};
    }

    /**
     * Karpenter's provisioning over several instance types: pods, largest first, first fit onto the NodeClaims in
     * flight (the booting nodes, of their own types, assumed empty) and then onto new NodeClaims; a new NodeClaim keeps
     * every type that still holds all its pods and takes a pod only while one does (the scheduler's NodeClaim
     * {@code Add} narrowing its instance-type options); each is then launched as the cheapest of its options
     * (CreateFleet's lowest-price for on-demand), equal prices in the group's order. Returns the types to launch.
     */
    static List<NodeType> newNodeClaims(SimCluster cluster, List<SimPod> waiting) {
        NodeShape largest = cluster.types.largest().shape();
        List<SimPod> pods = new ArrayList<>(waiting);
        pods.sort(Comparator.comparingDouble(
                        (SimPod p) -> (double) p.cpu / largest.usableCpu() + (double) p.memory / largest.usableMemory())
                .reversed());
        List<long[]> booting = new ArrayList<>();
        for (SimNode n : cluster.nodes()) {
            if (!n.ready) {
                booting.add(emptyBin(n.shape));
            }
        }
        List<Claim> claims = new ArrayList<>();
        for (SimPod pod : pods) {
            if (!placed(booting, pod) && !addToClaim(claims, pod)) {
                Claim c = new Claim(cluster.types.types());
                c.add(pod);
                claims.add(c);
            }
        }
        List<NodeType> out = new ArrayList<>();
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
            }
        }
        return out;
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

    private static boolean placed(List<long[]> bins, SimPod pod) {
        for (long[] bin : bins) {
            if (bin[0] >= pod.cpu && bin[1] >= pod.memory && bin[2] >= pod.gpu && bin[3] >= 1) {
                bin[0] -= pod.cpu;
                bin[1] -= pod.memory;
                bin[2] -= pod.gpu;
                bin[3] -= 1;
                return true;
            }
        }
        return false;
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

    /** A NodeClaim being filled: its pods' totals and the instance types that still hold them all. */
    private static final class Claim {
        final List<NodeType> options = new ArrayList<>();
        long cpu;
        long memory;
        long gpu;
        int pods;

        Claim(List<NodeType> types) {
            options.addAll(types);
        }

        boolean fits(SimPod pod) {
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
            cpu += pod.cpu;
            memory += pod.memory;
            gpu += pod.gpu;
            pods++;
        }
    }
}
