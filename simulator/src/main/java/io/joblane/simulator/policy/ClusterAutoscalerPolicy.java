package io.joblane.simulator.policy;

import io.joblane.simulator.cluster.NodeShape;
import io.joblane.simulator.cluster.SimCluster;
import io.joblane.simulator.cluster.SimNode;
import io.joblane.simulator.cluster.SimPod;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

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
    /** Ready nodes under the threshold whose pods may all be evicted (lowSince set), in node order. */
    private final TreeSet<SimNode> low = new TreeSet<>(Comparator.comparingLong(SimNode::launchOrder));

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
        // Starts from an empty group, like Joblane; candidacy only changes with a node, so only changed nodes are looked at.
        cluster.trackChangedNodes();
    }

    @Override
    public long scaleActions() {
        return scaleActions;
    }

    @Override
    public boolean scan(SimCluster cluster, long now) {
        if (!cluster.pending().isEmpty() && scaleUp(cluster, now)) {
            return false;
        }
        scaleDown(cluster, now);
        return false; // what it does shows in the cluster; lowSince is covered by nextScanWanted
    }

    /** On an unchanged cluster a scan acts again only when a node's unneeded time or the delay after a scale-up ends. */
    @Override
    public long nextScanWanted(SimCluster cluster, long now) {
        long t = Long.MAX_VALUE;
        if (now - lastScaleUp < DELAY_AFTER_ADD_MILLIS) {
            t = lastScaleUp + DELAY_AFTER_ADD_MILLIS;
        }
        for (SimNode n : low) {
            if (now - n.lowSince < UNNEEDED_MILLIS) {
                t = Math.min(t, n.lowSince + UNNEEDED_MILLIS);
            }
        }
        return t;
    }

    /** Binpacking estimator: largest pods first onto booting nodes (assumed empty), then onto new nodes. */
    private boolean scaleUp(SimCluster cluster, long now) {
        NodeShape shape = cluster.shape;
        List<SimPod> pods = new ArrayList<>(cluster.pending());
        pods.removeIf(p -> !shape.fitsEmpty(p.cpu, p.memory, p.gpu));
        pods.sort(Comparator.comparingDouble((SimPod p) -> (double) p.cpu / shape.usableCpu()
                + (double) p.memory / shape.usableMemory()).reversed());
        int upcoming = cluster.bootingNodes();
        int wanted = firstFitBins(pods, shape, upcoming) - upcoming;
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

    /**
     * First fit of {@code pods} (in their order) on {@code upcoming} empty nodes, then on as many new empty nodes as
     * needed; returns the node count. A pod like the one before it starts looking where that one went: the bins
     * before it could not take it then, and have only filled since.
     */
    static int firstFitBins(List<SimPod> pods, NodeShape shape, int upcoming) {
        int bins = upcoming;
        int size = Math.max(16, upcoming + 16);
        long[] cpu = new long[size];
        long[] memory = new long[size];
        long[] gpu = new long[size];
        long[] slots = new long[size];
        for (int i = 0; i < upcoming; i++) {
            cpu[i] = shape.usableCpu();
            memory[i] = shape.usableMemory();
            gpu[i] = shape.gpus();
            slots[i] = shape.usablePods();
        }
        SimPod previous = null;
        int from = 0;
        for (SimPod pod : pods) {
            if (previous == null || pod.cpu != previous.cpu || pod.memory != previous.memory || pod.gpu != previous.gpu) {
                from = 0;
            }
            previous = pod;
            int at = from;
            while (at < bins && !fits(pod, cpu[at], memory[at], gpu[at], slots[at])) {
                at++;
            }
            if (at == bins) {
                if (bins == cpu.length) {
                    cpu = java.util.Arrays.copyOf(cpu, bins * 2);
                    memory = java.util.Arrays.copyOf(memory, bins * 2);
                    gpu = java.util.Arrays.copyOf(gpu, bins * 2);
                    slots = java.util.Arrays.copyOf(slots, bins * 2);
                }
                cpu[at] = shape.usableCpu();
                memory[at] = shape.usableMemory();
                gpu[at] = shape.gpus();
                slots[at] = shape.usablePods();
                bins++;
            }
            cpu[at] -= pod.cpu;
            memory[at] -= pod.memory;
            gpu[at] -= pod.gpu;
            slots[at] -= 1;
            from = at;
        }
        return bins;
    }

    private static boolean fits(SimPod pod, long cpu, long memory, long gpu, long slots) {
        return cpu >= pod.cpu && memory >= pod.memory && gpu >= pod.gpu && slots >= 1;
    }

    private void scaleDown(SimCluster cluster, long now) {
        NodeShape shape = cluster.shape;
        // Candidacy (under the threshold, every pod evictable) changes only with the node: look at the changed ones.
        cluster.drainChangedNodes(n -> updateCandidacy(n, shape, now));
        if (now - lastScaleUp < DELAY_AFTER_ADD_MILLIS) {
            return;
        }
        List<SimNode> emptyDue = new ArrayList<>();
        List<SimNode> busyDue = new ArrayList<>();
        for (SimNode n : low) {
            if (now - n.lowSince >= UNNEEDED_MILLIS) {
                (n.hasJobPods() ? busyDue : emptyDue).add(n);
            }
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
            if (cluster.podsFitElsewhere(n)) {
                cluster.remove(n, now);
                scaleActions++;
                return;
            }
        }
    }

    /** What the full scan did for each Ready node: start or clear its unneeded time. */
    private void updateCandidacy(SimNode n, NodeShape shape, long now) {
        if (n.isRemoved()) {
            low.remove(n);
        } else if (n.ready) {
            boolean candidate = utilization(n, shape) < UTILIZATION_THRESHOLD && evictable(n);
            if (!candidate) {
                n.lowSince = -1;
                low.remove(n);
            } else if (n.lowSince < 0) {
                n.lowSince = now;
                low.add(n);
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
}
