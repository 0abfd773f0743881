package io.joblane.simulator.policy;

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
                SimNode node = bestNode(cluster, pod, now);
                if (node == null && cluster.nodes().size() < maxNodes) {
                    node = cluster.launch(null, now - bootDelayMillis, now - bootDelayMillis);
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

    /**
     * The fitting node where the pod adds the least node time, max(0, its end − the node's latest end); among equals
     * the one whose latest end is closest to the pod's. Null when a new node (duration + boot delay) is cheaper.
     */
    private SimNode bestNode(SimCluster cluster, SimPod pod, long now) {
        long end = now + pod.duration();
        SimNode best = null;
        long bestAdded = pod.duration() + bootDelayMillis;
        long bestGap = Long.MAX_VALUE;
        for (SimNode n : cluster.nodes()) {
            if (!n.ready || !n.fits(pod, cluster.shape)) {
                continue;
            }
            long latest = now;
            for (SimPod p : n.pods) {
                latest = Math.max(latest, p.endsAt());
            }
            long added = Math.max(0, end - latest);
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
