package io.joblane.simulator.policy;

import io.joblane.simulator.cluster.NodeType;
import io.joblane.simulator.cluster.SimCluster;
import io.joblane.simulator.cluster.SimNode;
import io.joblane.simulator.cluster.SimPod;
import java.util.ArrayList;
import java.util.List;

/**
 * The clairvoyant reference, never product behaviour: it knows each Job's duration at submit and places each pod,
 * in submit order, on the node where it adds the least node time (aligning the pod's end with the node's latest end;
 * a new node costs the pod's duration plus the boot delay), launches a new node exactly in time (billed for the boot
 * delay before the pod's submit, so no Job waits), removes a node the moment it empties, and never interrupts. It
 * is greedy, not an optimum: it shows how far a setup is from what knowing the future buys.
 */
public final class ClairvoyantPolicy implements ScalingPolicy {
    private final long bootDelayMillis;
    private final int maxNodes;
    private long scaleActions;

    public ClairvoyantPolicy(long bootDelayMillis, int maxNodes) {
        this.bootDelayMillis = bootDelayMillis;
        this.maxNodes = maxNodes;
    }

    @Override
    public String name() {
        return "clairvoyant";
    }

    @Override
    public boolean jobsAnnotatedSafeToEvictFalse() {
        return true;
    }

    @Override
    public void start(SimCluster cluster, long now) {
        // No node before the first Job.
    }

    @Override
    public boolean scan(SimCluster cluster, long now) {
        return true; // everything happens as events arrive; no promise of quiet scans (its placement runs at each)
    }

    @Override
    public long scaleActions() {
        return scaleActions;
    }

    @Override
    public boolean placesPods() {
        return true;
    }

    @Override
    public void place(SimCluster cluster, long now) {
        List<SimPod> waiting = cluster.pending();
        if (!waiting.isEmpty()) {
            List<SimPod> left = new ArrayList<>();
            for (SimPod pod : new ArrayList<>(waiting)) {
                NodeType type = cheapestFitting(cluster, pod);
                SimNode node = bestNode(cluster, pod, now, type);
                if (node == null && cluster.nodes().size() < maxNodes) {
                    node = cluster.launch(null, now - bootDelayMillis, now - bootDelayMillis, type);
                    scaleActions++;
                }
                if (node == null) {
                    left.add(pod);
                } else {
                    cluster.bind(pod, node, now);
                }
            }
            waiting.clear();
            waiting.addAll(left);
        }
        for (SimNode n : new ArrayList<>(cluster.nodes())) {
            if (!n.hasJobPods()) {
                cluster.remove(n, now);
                scaleActions++;
            }
        }
    }

    /** The type a new node for {@code pod} gets: the cheapest that fits it (the first type of a one-type group). */
    private static NodeType cheapestFitting(SimCluster cluster, SimPod pod) {
        NodeType best = cluster.types.first();
        for (NodeType t : cluster.types.types()) {
            if (t.fitsEmpty(pod.cpu, pod.memory, pod.gpu)
                    && (!best.fitsEmpty(pod.cpu, pod.memory, pod.gpu) || t.pricePerHour() < best.pricePerHour())) {
                best = t;
            }
        }
        return best;
    }

    /**
     * The fitting node where the pod adds the least node time, max(0, its end − the node's latest end), with several
     * types weighted by each node's price; among equals the one whose latest end is closest to the pod's. Null when a
     * new node of {@code type} (duration + boot delay) is cheaper.
     */
    private SimNode bestNode(SimCluster cluster, SimPod pod, long now, NodeType type) {
        boolean priced = cluster.types.mixed();
        long end = now + pod.duration();
        SimNode best = null;
        double bestAdded = (pod.duration() + bootDelayMillis) * (priced ? type.pricePerHour() : 1);
        long bestGap = Long.MAX_VALUE;
        for (SimNode n : cluster.nodes()) {
            if (!n.ready || !n.fits(pod)) {
                continue;
            }
            long latest = now;
            for (SimPod p : n.pods) {
                latest = Math.max(latest, p.endsAt());
            }
            double added = Math.max(0, end - latest) * (priced ? n.type.pricePerHour() : 1);
            long gap = Math.abs(latest - end);
            if (added < bestAdded || added == bestAdded && best != null && gap < bestGap) {
                best = n;
                bestAdded = added;
                bestGap = gap;
            }
        }
        return best;
    }
}
