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
 * is greedy, not an optimum: it shows how far a setup is from what knowing the future buys. A pod pinned to a zone
 * (its volume's) goes only to a node of that zone, and a new node for it is launched there.
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
        return false; // everything happens in place(), at every event time; a scan itself does nothing
    }

    /**
     * Only a change can make it act: place() after an event left no empty node and no waiting pod that fits (any
     * left wait for the node cap, and fitting depends on the cluster alone, not on the time).
     */
    @Override
    public long nextScanWanted(SimCluster cluster, long now) {
        return Long.MAX_VALUE;
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
            List<SimPod> fitNowhere = new ArrayList<>(); // at the node cap: larger pods cannot fit either
            for (SimPod pod : new ArrayList<>(waiting)) {
                boolean capped = cluster.nodes().size() >= maxNodes;
                if (capped && dominatedByAny(pod, fitNowhere)) {
                    left.add(pod);
                    continue;
                }
                NodeType type = cheapestFitting(cluster, pod);
                Best found = bestNode(cluster, pod, now, bootDelayMillis, type);
                SimNode best = found.node;
                if (capped && best == null && !found.metAny) {
                    fitNowhere.add(pod);
                }
                if (best == null && !capped) {
                    // A pod pinned to a zone gets its node there; others wherever the zones come in turn.
                    best = cluster.launch(null, now - bootDelayMillis, now - bootDelayMillis, type, pod.zone);
                    scaleActions++;
                }
                if (best == null) {
                    left.add(pod);
                } else {
                    cluster.bind(pod, best, now);
                }
            }
            waiting.clear();
            waiting.addAll(left);
        }
        if (cluster.emptyNodeCount() > 0) {
            // The empty nodes in node order (a copy: removing changes the cluster's list), not every node.
            List<SimNode> empty = new ArrayList<>();
            cluster.emptyNodes().forEach(empty::add);
            for (SimNode n : empty) {
                cluster.remove(n, now);
                scaleActions++;
            }
        }
    }

    /**
     * Whether a pod at least as large in every resource, of any zone or of this pod's, found no node (binding only
     * ever takes room away).
     */
    private static boolean dominatedByAny(SimPod pod, List<SimPod> fitNowhere) {
        for (SimPod f : fitNowhere) {
            boolean zoneAsWide = f.zone == null || f.zone.equals(pod.zone);
            if (zoneAsWide && pod.cpu >= f.cpu && pod.memory >= f.memory && pod.gpu >= f.gpu) {
                return true;
            }
        }
        return false;
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
     * types weighted by each node's price; among equals the one whose latest end is closest to the pod's, then the
     * first in node order. None when a new node of {@code type} (duration + boot delay) is cheaper. Each node keeps
     * its latest end until a pod is bound to it or leaves it.
     */
    private static Best bestNode(SimCluster cluster, SimPod pod, long now, long bootDelayMillis, NodeType type) {
        Best best = new Best(
                pod,
                now,
                (pod.duration() + bootDelayMillis) * (cluster.types.mixed() ? type.pricePerHour() : 1),
                cluster.types.mixed());
        // The fitting Ready nodes: those the load buckets name as having room (it never cordons or taints, so a
        // Ready node is in a bucket unless a Spot notice closed it), about one node in a hundred on RICC, where a walk
        // met every node for every pod; and the few Ready Spot nodes under notice.
        for (SimNode n : cluster.acceptingWithRoomFor(pod)) {
            if (SimCluster.inZone(pod, n)) {
                best.consider(n);
            }
        }
        for (SimNode n : cluster.noticedSpotNodes()) {
            if (n.ready && n.fits(pod) && SimCluster.inZone(pod, n)) {
                best.consider(n);
            }
        }
        return best;
    }

    /**
     * The best node met so far, in any order: least added time, then least gap, then first in node order; and whether
     * any fitting node was met at all (at the node cap, a pod no node fits tells larger ones not to look).
     */
    private static final class Best {
        private final long now;
        private final long end;
        private final boolean priced;
        SimNode node;
        boolean metAny;
        private double added;
        private long gap = Long.MAX_VALUE;

        Best(SimPod pod, long now, double newNodeCost, boolean priced) {
            this.now = now;
            this.end = now + pod.duration();
            this.priced = priced;
            this.added = newNodeCost; // a node must cost less than a new one
        }

        void consider(SimNode n) {
            metAny = true;
            long latest = Math.max(now, n.latestPodEnd());
            double a = Math.max(0, end - latest) * (priced ? n.type.pricePerHour() : 1);
            long g = Math.abs(latest - end);
            boolean better = a < added
                    || a == added && node != null && (g < gap || g == gap && n.launchOrder() < node.launchOrder());
            if (better) {
                node = n;
                added = a;
                gap = g;
            }
        }
    }
}
