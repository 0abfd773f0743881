package io.joblane.simulator.policy;

import io.joblane.simulator.cluster.NodeShape;
import io.joblane.simulator.cluster.SimCluster;
import io.joblane.simulator.cluster.SimNode;
import io.joblane.simulator.cluster.SimPod;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A model of the Kubernetes cluster-autoscaler with its defaults: scale up by bin-packing unschedulable pods onto
 * booting nodes first and then new template nodes; scale down a node whose requested share (max of cpu, memory,
 * GPU, DaemonSets included) stays under 50% for 10 minutes, not within 10 minutes of a scale-up, when every pod on it
 * may be evicted and fits on the other nodes. Empty nodes go up to 10 per scan, other nodes one per scan. With
 * {@code respectSafeToEvict} a Job pod annotated {@code safe-to-evict: "false"} blocks its node, as in real life;
 * without it ("unsafe") Jobs are evicted and restart from zero.
 */
public final class ClusterAutoscalerPolicy implements ScalingPolicy {
    static final double UTILIZATION_THRESHOLD = 0.5;
    static final long UNNEEDED_MILLIS = 10 * 60_000L;
    static final long DELAY_AFTER_ADD_MILLIS = 10 * 60_000L;
    static final int MAX_EMPTY_BULK_DELETE = 10;

    private final boolean respectSafeToEvict;
    private final long bootDelayMillis;
    private final int maxNodes;
    private long lastScaleUp = Long.MIN_VALUE / 2;
    private long scaleActions;

    public ClusterAutoscalerPolicy(boolean respectSafeToEvict, long bootDelayMillis, int maxNodes) {
        this.respectSafeToEvict = respectSafeToEvict;
        this.bootDelayMillis = bootDelayMillis;
        this.maxNodes = maxNodes;
    }

    @Override
    public String name() {
        return respectSafeToEvict ? "cluster-autoscaler" : "cluster-autoscaler-unsafe";
    }

    @Override
    public boolean jobsAnnotatedSafeToEvictFalse() {
        return respectSafeToEvict;
    }

    @Override
    public void start(SimCluster cluster, long now) {
        // Starts from an empty group, like Joblane.
    }

    @Override
    public long scaleActions() {
        return scaleActions;
    }

    @Override
    public void scan(SimCluster cluster, long now) {
        if (!cluster.pending().isEmpty() && scaleUp(cluster, now)) {
            return;
        }
        scaleDown(cluster, now);
    }

    /** Binpacking estimator: largest pods first onto booting nodes (assumed empty), then onto new nodes. */
    private boolean scaleUp(SimCluster cluster, long now) {
        NodeShape shape = cluster.shape;
        List<SimPod> pods = new ArrayList<>(cluster.pending());
        pods.removeIf(p -> !shape.fitsEmpty(p.cpu, p.memory, p.gpu));
        pods.sort(Comparator.comparingDouble((SimPod p) -> (double) p.cpu / shape.usableCpu()
                + (double) p.memory / shape.usableMemory()).reversed());
        List<long[]> bins = new ArrayList<>();
        int upcoming = 0;
        for (SimNode n : cluster.nodes()) {
            if (!n.ready) {
                bins.add(emptyBin(shape));
                upcoming++;
            }
        }
        for (SimPod pod : pods) {
            boolean placed = false;
            for (long[] bin : bins) {
                if (bin[0] >= pod.cpu && bin[1] >= pod.memory && bin[2] >= pod.gpu && bin[3] >= 1) {
                    bin[0] -= pod.cpu;
                    bin[1] -= pod.memory;
                    bin[2] -= pod.gpu;
                    bin[3] -= 1;
                    placed = true;
                    break;
                }
            }
            if (!placed) {
                long[] bin = emptyBin(shape);
                bin[0] -= pod.cpu;
                bin[1] -= pod.memory;
                bin[2] -= pod.gpu;
                bin[3] -= 1;
                bins.add(bin);
            }
        }
        int wanted = bins.size() - upcoming;
        int room = maxNodes - cluster.nodes().size();
        int add = Math.min(wanted, room);
        if (add <= 0) {
            return false;
        }
        for (int i = 0; i < add; i++) {
            cluster.launch(null, now, now + bootDelayMillis);
        }
        scaleActions++;
        lastScaleUp = now;
        return true;
    }

    private static long[] emptyBin(NodeShape shape) {
        return new long[] {shape.usableCpu(), shape.usableMemory(), shape.gpus(), shape.usablePods()};
    }

    private void scaleDown(SimCluster cluster, long now) {
        NodeShape shape = cluster.shape;
        List<SimNode> emptyDue = new ArrayList<>();
        List<SimNode> busyDue = new ArrayList<>();
        for (SimNode n : cluster.nodes()) {
            if (!n.ready) {
                continue;
            }
            boolean candidate = utilization(n, shape) < UTILIZATION_THRESHOLD && evictable(n);
            if (!candidate) {
                n.lowSince = -1;
                continue;
            }
            if (n.lowSince < 0) {
                n.lowSince = now;
            }
            if (now - n.lowSince >= UNNEEDED_MILLIS) {
                (n.hasJobPods() ? busyDue : emptyDue).add(n);
            }
        }
        if (now - lastScaleUp < DELAY_AFTER_ADD_MILLIS) {
            return;
        }
        int removed = 0;
        for (SimNode n : emptyDue) {
            if (removed == MAX_EMPTY_BULK_DELETE) {
                break;
            }
            cluster.remove(n, now);
            scaleActions++;
            removed++;
        }
        if (removed > 0 || busyDue.isEmpty()) {
            return;
        }
        busyDue.sort(Comparator.comparingDouble(n -> utilization(n, shape)));
        for (int i = 0; i < Math.min(5, busyDue.size()); i++) {
            SimNode n = busyDue.get(i);
            if (podsFitElsewhere(cluster, n)) {
                cluster.remove(n, now);
                scaleActions++;
                return;
            }
        }
    }

    private boolean evictable(SimNode n) {
        if (!respectSafeToEvict) {
            return true;
        }
        for (SimPod p : n.pods) {
            if (p.safeToEvictFalse) {
                return false;
            }
        }
        return true;
    }

    static double utilization(SimNode n, NodeShape shape) {
        double u = Math.max((double) n.usedCpu / shape.cpuMillis(), (double) n.usedMemory / shape.memoryMillis());
        if (shape.gpus() > 0) {
            u = Math.max(u, (double) n.usedGpu / shape.gpus());
        }
        return u;
    }

    /** CA's drain simulation: each pod, first fit, on the other ready, schedulable nodes' free capacity. */
    private static boolean podsFitElsewhere(SimCluster cluster, SimNode victim) {
        NodeShape shape = cluster.shape;
        List<SimNode> others = new ArrayList<>();
        for (SimNode n : cluster.nodes()) {
            if (n != victim && n.acceptsPods()) {
                others.add(n);
            }
        }
        long[][] free = new long[others.size()][];
        for (int i = 0; i < others.size(); i++) {
            SimNode n = others.get(i);
            free[i] = new long[] {shape.cpuMillis() - n.usedCpu, shape.memoryMillis() - n.usedMemory,
                shape.gpus() - n.usedGpu, shape.pods() - n.usedPods};
        }
        for (SimPod p : victim.pods) {
            boolean placed = false;
            for (long[] f : free) {
                if (f[0] >= p.cpu && f[1] >= p.memory && f[2] >= p.gpu && f[3] >= 1) {
                    f[0] -= p.cpu;
                    f[1] -= p.memory;
                    f[2] -= p.gpu;
                    f[3] -= 1;
                    placed = true;
                    break;
                }
            }
            if (!placed) {
                return false;
            }
        }
        return true;
    }
}
