package io.joblane.simulator.policy;

import io.joblane.simulator.cluster.SimCluster;
import io.joblane.simulator.cluster.SimNode;
import io.joblane.simulator.cluster.SimPod;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * A model of Karpenter 1.14 with one NodePool at its defaults ({@code consolidationPolicy: WhenEmptyOrUnderutilized},
 * {@code consolidateAfter: 0s}, a disruption budget of 10% of the nodes) and {@code karpenter.sh/do-not-disrupt:
 * "true"} on every Job pod, so consolidation never moves a Job: only empty nodes are disrupted. Provisioning batches
 * waiting pods (the window closes 1 s after the last new pod, at most 10 s after the first) and launches the nodes
 * they need beyond those already booting; the instance type is the one node shape (Karpenter would pick the cheapest
 * type that fits). A pod pinned to a zone (its volume's) shares a NodeClaim only with pods that may run there, and the
 * NodeClaim launches in that zone. Disruption, every 10 s: empty nodes whose last pod event is {@code consolidateAfter} old are
 * chosen within the budget and removed if they are still empty 15 s later (the command's validation).
 */
public final class KarpenterPolicy implements ScalingPolicy {
    static final long BATCH_IDLE_MILLIS = 1_000L;
    static final long BATCH_MAX_MILLIS = 10_000L;
    static final long CONSOLIDATE_AFTER_MILLIS = 0L;
    static final long VALIDATION_DELAY_MILLIS = 15_000L;
    static final double BUDGET_SHARE = 0.10;

    private final SimCluster.Scoring scoring;
    private final long bootDelayMillis;
    private final int maxNodes;
    private long scaleActions;
    private long seenSubmitted;
    private long batchStart = -1;
    private long lastNewPod = -1;
    private long timerAt = -1;
    /** Nodes under a disruption command (a set: it is asked for every node at every poll). */
    private final Set<SimNode> disrupting = Collections.newSetFromMap(new IdentityHashMap<>());

    public KarpenterPolicy(SimCluster.Scoring scoring, long bootDelayMillis, int maxNodes) {
        this.scoring = scoring;
        this.bootDelayMillis = bootDelayMillis;
        this.maxNodes = maxNodes;
    }

    @Override
    public String name() {
        return scoring == SimCluster.Scoring.MOST_ALLOCATED ? "karpenter-packing" : "karpenter";
    }

    @Override
    public boolean jobsAnnotatedSafeToEvictFalse() {
        return true; // the webhook's annotations: do-not-disrupt for Karpenter, safe-to-evict "false" for the rest
    }

    @Override
    public SimCluster.Scoring scoring() {
        return scoring;
    }

    @Override
    public void start(SimCluster cluster, long now) {
        // Starts from an empty NodePool.
    }

    @Override
    public long scaleActions() {
        return scaleActions;
    }

    /** The batcher: new waiting pods open or extend the window; its end is a timer. Cheap: runs at every event. */
    @Override
    public void afterSchedule(SimCluster cluster, long now) {
        long submitted = cluster.submitted();
        boolean newPods = submitted != seenSubmitted;
        seenSubmitted = submitted;
        if (!newPods || cluster.pending().isEmpty()) {
            return;
        }
        if (batchStart < 0) {
            batchStart = now;
        }
        lastNewPod = now;
        long end = Math.min(lastNewPod + BATCH_IDLE_MILLIS, batchStart + BATCH_MAX_MILLIS);
        if (end != timerAt) {
            timerAt = end;
            cluster.at(end, () -> {
                if (timerAt == end) {
                    timerAt = -1;
                    batchStart = -1;
                    provision(cluster, end);
                }
            });
        }
    }

    /** The disruption controller's poll: validate nothing here (timers do), pick empty nodes within the budget. */
    @Override
    public boolean scan(SimCluster cluster, long now) {
        return poll(cluster, now);
    }

    /**
     * A poll that did nothing on an unchanged cluster does nothing again (consolidateAfter is 0, so no node's
     * emptiness ripens with time) unless a timer of its own is pending: the batch window, which may leave pods to the
     * next poll's provisioning, or a disruption command, whose validation frees nodes from the command.
     */
    @Override
    public long nextScanWanted(SimCluster cluster, long now) {
        return timerAt >= 0 || !disrupting.isEmpty() ? now : Long.MAX_VALUE;
    }

    /** Returns whether it launched nodes or commanded a disruption. */
    private boolean poll(SimCluster cluster, long now) {
        long actionsBefore = scaleActions;
        if (batchStart < 0 && !cluster.pending().isEmpty()) {
            provision(cluster, now); // the provisioner also reconciles pods left waiting, e.g. after a removal
        }
        int allowed = (int) Math.ceil(BUDGET_SHARE * cluster.nodes().size()) - disrupting.size();
        List<SimNode> command = new ArrayList<>();
        // Only empty nodes are disrupted: the cluster keeps them in node order, so busy nodes are not looked at.
        for (SimNode n : cluster.emptyNodes()) {
            if (allowed <= 0) {
                break;
            }
            if (n.ready && !disrupting.contains(n) && consolidatable(n, now)) {
                command.add(n);
                allowed--;
            }
        }
        if (command.isEmpty()) {
            return scaleActions != actionsBefore;
        }
        disrupting.addAll(command);
        long validateAt = now + VALIDATION_DELAY_MILLIS;
        cluster.at(validateAt, () -> {
            for (SimNode n : command) {
                disrupting.remove(n);
                // Still empty and no pod event since the command: the empty node goes.
                if (!n.isRemoved() && !n.hasJobPods() && n.lastPodEventAt <= now) {
                    cluster.remove(n, validateAt);
                    scaleActions++;
                }
            }
        });
        return true;
    }

    private static boolean consolidatable(SimNode n, long now) {
        long since = n.lastPodEventAt >= 0 ? n.lastPodEventAt : n.readyAt;
        return now - since >= CONSOLIDATE_AFTER_MILLIS;
    }

    private void provision(SimCluster cluster, long now) {
        int room = maxNodes - cluster.nodes().size();
        if (room <= 0) {
            return; // at the node cap nothing is launched: no need to pack the pods
        }
        if (cluster.types.mixed()) {
            provisionTypes(cluster, now);
            return;
        }
        List<SimPod> waiting = new ArrayList<>(cluster.pending());
        waiting.removeIf(p -> !cluster.shape.fitsEmpty(p.cpu, p.memory, p.gpu));
        if (waiting.isEmpty()) {
            return;
        }
        List<Binpacking.Bin> inFlight = new ArrayList<>();
        for (SimNode n : cluster.booting()) {
            inFlight.add(new Binpacking.Bin(cluster.shape, n.zone));
        }
        List<Binpacking.Bin> claims = Binpacking.newBins(
                cluster.shape,
                Binpacking.leftAfter(Binpacking.largestFirst(cluster.shape, waiting), inFlight),
                null,
                room);
        int add = Math.min(claims.size(), room);
        for (int i = 0; i < add; i++) {
            // A NodeClaim with a pod pinned to a zone carries its zone requirement; others go where the cloud puts
            // them.
            cluster.launch(null, now, now + bootDelayMillis, cluster.types.first(), claims.get(i).zone);
            scaleActions++; // one NodeClaim per node
        }
    }

    /** Several instance types: each new NodeClaim launched as the cheapest type that holds its pods. */
    private void provisionTypes(SimCluster cluster, long now) {
        List<SimPod> waiting = new ArrayList<>(cluster.pending());
        waiting.removeIf(p -> !cluster.types.fitsSome(p.cpu, p.memory, p.gpu));
        if (waiting.isEmpty()) {
            return;
        }
        List<Binpacking.Launch> claims = Binpacking.newNodeClaims(cluster, waiting);
        int add = Math.min(claims.size(), maxNodes - cluster.nodes().size());
        for (int i = 0; i < add; i++) {
            Binpacking.Launch claim = claims.get(i);
            cluster.launch(null, now, now + bootDelayMillis, claim.type(), claim.zone());
            scaleActions++; // one NodeClaim per node
        }
    }
}
