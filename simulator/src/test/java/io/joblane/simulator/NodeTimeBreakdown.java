package io.joblane.simulator;

import io.joblane.simulator.cluster.NodeShape;
import io.joblane.simulator.cluster.SimCluster;
import io.joblane.simulator.cluster.SimNode;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A diagnostic, not a figure of {@code simulate}: where one run's node-hours go. Between event times every node is in
 * one state (booting; empty and open; empty and fenced, i.e. cordoned or tainted on its way out; busy and fenced;
 * busy and open), and the busy states split into the share of the node Job pods request and the idle rest. Also counts
 * launches, removals, nodes removed soon after launch, and launches that came soon after a removal (a node removed
 * and booted again: churn). Driven by {@link Simulation#probes}; see {@link BreakdownMain}.
 */
final class NodeTimeBreakdown implements Simulation.Probe {
    /** A launch this soon after a removal counts as churn: the removed node would have served. */
    static final long CHURN_WINDOW_MILLIS = 90_000L;

    final String policy;
    final long seed;
    long prev = -1;
    double booting;
    double emptyOpen;
    double emptyFenced;
    double busyFencedUsed;
    double busyFencedIdle;
    double busyOpenUsed;
    double busyOpenIdle;
    long launches;
    long removals;
    /** Removed within 15 minutes of launch. */
    long shortLived;
    /** Launched within {@link #CHURN_WINDOW_MILLIS} after a removal. */
    long relaunches;
    /** Empty spells that ended with the node's removal, and with a pod landing; their summed lengths. */
    long spellsRemoved;

    long spellsRefilled;
    double spellRemovedMillis;
    double spellRefilledMillis;
    /** Empty spells by how they ended, by length: under 30 s, 30-60 s, 60-120 s, 2-5 min, longer. */
    final long[] removedSpellHist = new long[5];

    final long[] refilledSpellHist = new long[5];
    private long lastRemoval = Long.MIN_VALUE / 2;
    private final Map<SimNode, Long> emptySince = new IdentityHashMap<>();
    private final Map<SimNode, Boolean> seen = new IdentityHashMap<>();

    NodeTimeBreakdown(String policy, long seed) {
        this.policy = policy;
        this.seed = seed;
    }

    @Override
    public void advance(SimCluster cluster, long now) {
        if (prev >= 0 && now > prev) {
            integrate(cluster, now - prev);
        }
        lifecycle(cluster);
        prev = now;
    }

    @Override
    public void finish(SimCluster cluster, long end) {
        advance(cluster, end);
    }

    private void integrate(SimCluster cluster, long dt) {
        for (SimNode n : cluster.nodes()) {
            boolean fenced = n.cordoned || n.drainTaint != SimNode.Taint.NONE;
            if (!n.ready) {
                booting += dt;
            } else if (!n.hasJobPods()) {
                if (fenced) {
                    emptyFenced += dt;
                } else {
                    emptyOpen += dt;
                }
            } else {
                double used = used(n) * dt;
                if (fenced) {
                    busyFencedUsed += used;
                    busyFencedIdle += dt - used;
                } else {
                    busyOpenUsed += used;
                    busyOpenIdle += dt - used;
                }
            }
        }
    }

    /** The node's busiest usable resource's requested share, the binding one. */
    private static double used(SimNode n) {
        NodeShape s = n.shape;
        double share = Math.max(
                (double) (n.usedCpu - s.daemonSetCpuMillis()) / s.usableCpu(),
                (double) (n.usedMemory - s.daemonSetMemoryMillis()) / s.usableMemory());
        share = Math.max(share, (double) (n.usedPods - s.daemonSetPods()) / s.usablePods());
        if (s.gpus() > 0) {
            share = Math.max(share, (double) n.usedGpu / s.gpus());
        }
        return Math.min(1, share);
    }

    /** Launches and removals since the last look (both happen at the previous event time), and empty spells. */
    private void lifecycle(SimCluster cluster) {
        List<SimNode> gone = new ArrayList<>();
        for (SimNode n : seen.keySet()) {
            if (n.isRemoved()) {
                gone.add(n);
            }
        }
        for (SimNode n : gone) {
            seen.remove(n);
            removals++;
            lastRemoval = prev;
            if (prev - n.launchedAt() < 15 * 60_000L) {
                shortLived++;
            }
            Long since = emptySince.remove(n);
            if (since != null) {
                spellsRemoved++;
                spellRemovedMillis += prev - since;
                removedSpellHist[bucket(prev - since)]++;
            }
        }
        for (SimNode n : cluster.nodes()) {
            if (seen.put(n, Boolean.TRUE) == null) {
                launches++;
                if (n.launchedAt() - lastRemoval <= CHURN_WINDOW_MILLIS) {
                    relaunches++;
                }
            }
            boolean empty = n.ready && !n.hasJobPods();
            Long since = emptySince.get(n);
            if (empty && since == null) {
                emptySince.put(n, prev);
            } else if (!empty && since != null) {
                emptySince.remove(n);
                spellsRefilled++;
                spellRefilledMillis += prev - since;
                refilledSpellHist[bucket(prev - since)]++;
            }
        }
    }

    private static int bucket(long millis) {
        return millis < 30_000 ? 0 : millis < 60_000 ? 1 : millis < 120_000 ? 2 : millis < 300_000 ? 3 : 4;
    }

    double total() {
        return booting + emptyOpen + emptyFenced + busyFencedUsed + busyFencedIdle + busyOpenUsed + busyOpenIdle;
    }

    static String header() {
        return String.format(
                Locale.ROOT,
                "%-42s %4s %8s %8s %8s %8s %8s %8s %8s %8s %6s %6s %6s %6s %s",
                "policy",
                "seed",
                "total",
                "booting",
                "emptyOpn",
                "emptyFnc",
                "drainUse",
                "drainIdl",
                "busyUse",
                "busyIdle",
                "launch",
                "remove",
                "short",
                "relnch",
                "empty spells removed n/h [<30s,<1m,<2m,<5m,>5m] | refilled n/h [..]");
    }

    String row() {
        double h = 3_600_000.0;
        return String.format(
                Locale.ROOT,
                "%-42s %4d %8.1f %8.1f %8.1f %8.1f %8.1f %8.1f %8.1f %8.1f %6d %6d %6d %6d %d/%.1f %s | %d/%.1f %s",
                policy,
                seed,
                total() / h,
                booting / h,
                emptyOpen / h,
                emptyFenced / h,
                busyFencedUsed / h,
                busyFencedIdle / h,
                busyOpenUsed / h,
                busyOpenIdle / h,
                launches,
                removals,
                shortLived,
                relaunches,
                spellsRemoved,
                spellRemovedMillis / h,
                java.util.Arrays.toString(removedSpellHist),
                spellsRefilled,
                spellRefilledMillis / h,
                java.util.Arrays.toString(refilledSpellHist));
    }
}
