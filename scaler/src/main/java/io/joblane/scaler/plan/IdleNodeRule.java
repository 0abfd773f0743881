package io.joblane.scaler.plan;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How long an empty node must have been empty before it may go, by cost: the ski-rental rule adapted to the
 * arrival rate ({@code scaler/DESIGN.md}, scale-in step). Keeping an empty node costs its price per second;
 * removing it and booting one again costs one boot delay B. The ceil(λ·B) most recently emptied nodes, where λ is
 * the group's Job pod demand arriving per second in node-equivalents, less the room R the open busy nodes still have
 * (arrivals fill it first), are expected to be needed before a new node could boot: ceil(λ·B − R) empty nodes wait B
 * (at most {@code scaleDownDelay}), the ski-rental break-even. Every other empty node is not expected to be needed
 * and goes at once. Pure; {@link ScaleIn} asks it once per pass.
 */
final class IdleNodeRule {
    /** How far back Job pods count towards the arrival rate. */
    static final Duration ARRIVAL_WINDOW = Duration.ofMinutes(10);

    private final Duration bootDelay;
    private final Duration scaleDownDelay;
    private final boolean byCost;
    private final double nodesPerSecond;
    private final Instant rateDropsAt;
    /** Room for arrivals on the open busy nodes, in node-equivalents. */
    private final double room;

    /**
     * {@code nodesPerSecond}: the arrival rate λ; {@code rateDropsAt}: when the oldest arrival counted leaves the
     * window (λ falls then, so a kept node may be released), null when none counts.
     */
    IdleNodeRule(
            Duration bootDelay, Duration scaleDownDelay, boolean byCost, double nodesPerSecond, Instant rateDropsAt) {
        this(bootDelay, scaleDownDelay, byCost, nodesPerSecond, rateDropsAt, 0);
    }

    /** {@code room}: what the open busy nodes still have free, in node-equivalents; arrivals fill it first. */
    IdleNodeRule(
            Duration bootDelay,
            Duration scaleDownDelay,
            boolean byCost,
            double nodesPerSecond,
            Instant rateDropsAt,
            double room) {
        this.bootDelay = bootDelay;
        this.scaleDownDelay = scaleDownDelay;
        this.byCost = byCost;
        this.nodesPerSecond = nodesPerSecond;
        this.rateDropsAt = rateDropsAt;
        this.room = room;
    }

    /**
     * The rule of one group at {@code now}: λ from its Job pods created within {@link #ARRIVAL_WINDOW} that are
     * still pending or running, in node-equivalents of {@code usable} (a new node's allocatable less DaemonSets).
     */
    static IdleNodeRule of(GroupSpec spec, List<PodInfo> jobPods, Resources usable, Instant now) {
        return of(spec, jobPods, usable, now, 0);
    }

    /** As {@link #of(GroupSpec, List, Resources, Instant)}, with {@code room} on the open busy nodes. */
    static IdleNodeRule of(GroupSpec spec, List<PodInfo> jobPods, Resources usable, Instant now, double room) {
        if (!spec.scaleInByCost()) {
            return new IdleNodeRule(spec.bootDelay(), spec.scaleDownDelay(), false, 0, null);
        }
        Instant from = now.minus(ARRIVAL_WINDOW);
        double nodes = 0;
        Instant oldest = null;
        double slotShare = slotShare(usable);
        for (PodInfo p : jobPods) {
            Instant created = p.created();
            if (created == null || !created.isAfter(from) || created.isAfter(now) || p.phase() == PodPhase.FINISHED) {
                continue;
            }
            nodes += nodeEquivalents(p.requests(), usable, slotShare);
            oldest = oldest == null || created.isBefore(oldest) ? created : oldest;
        }
        return new IdleNodeRule(
                spec.bootDelay(),
                spec.scaleDownDelay(),
                true,
                nodes / ARRIVAL_WINDOW.toSeconds(),
                oldest == null ? null : oldest.plus(ARRIVAL_WINDOW),
                room);
    }

    /** The share of a node a pod takes on its binding resource, its pod slot included. */
    static double nodeEquivalents(Resources requests, Resources usable) {
        return nodeEquivalents(requests, usable, slotShare(usable));
    }

    /** As above, with {@code usable}'s {@link #slotShare} given (a sum over many pods asks it once). */
    private static double nodeEquivalents(Resources requests, Resources usable, double slotShare) {
        double share = slotShare;
        for (int i = 0; i < requests.size(); i++) {
            long capacity = usable.get(requests.nameAt(i));
            if (capacity > 0) {
                share = Math.max(share, (double) requests.millisAt(i) / capacity);
            }
        }
        return share;
    }

    /**
     * What a node with {@code allocatable} still has free for pods after the DaemonSets' {@code overhead} and its
     * {@code podCount} bound pods requesting {@code requested} together, as a share of a new node's {@code usable},
     * on its scarcest resource (pod slots included).
     */
    static double freeShare(
            Resources allocatable, Resources overhead, Resources requested, int podCount, Resources usable) {
        double share = Double.MAX_VALUE;
        for (int i = 0; i < usable.size(); i++) {
            long capacity = usable.millisAt(i);
            if (capacity <= 0) {
                continue;
            }
            String name = usable.nameAt(i);
            long free = allocatable.get(name) - overhead.get(name);
            free -= name.equals(Dimensions.PODS) ? (long) podCount * Dimensions.POD_SLOT : requested.get(name);
            share = Math.min(share, Math.max(0, free) / (double) capacity);
        }
        return share == Double.MAX_VALUE ? 0 : share;
    }

    private static double slotShare(Resources usable) {
        long slots = usable.get(Dimensions.PODS);
        return slots > 0 ? (double) Dimensions.POD_SLOT / slots : 0;
    }

    /**
     * How many empty nodes are expected to be needed before a new node could boot: ceil(λ·B − R), the arrivals
     * beyond the room the open busy nodes have.
     */
    int kept() {
        double expected = nodesPerSecond * bootDelay.toMillis() / 1000.0 - room;
        if (expected <= 0) {
            return 0;
        }
        return expected >= Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) Math.ceil(expected);
    }

    /** When λ next falls (a kept node may then go), or null when nothing counts towards it. */
    Instant rateDropsAt() {
        return rateDropsAt;
    }

    /**
     * Per empty node, how long it must have been empty before it may go: the lower of the boot delay and
     * {@code scaleDownDelay} for the {@link #kept()} most recently emptied (a node whose timer has not started yet is
     * the most recent), nothing for the others; {@code scaleDownDelay} for all when the group's timing is fixed.
     * {@link ScaleIn} ranks its idle nodes in this order across scans ({@link ScaleInKept}) and asks
     * {@link #delayOfRank}.
     */
    Map<String, Duration> delays(List<NodeInfo> empty) {
        Map<String, Duration> out = new HashMap<>();
        List<NodeInfo> recentFirst = new ArrayList<>(empty);
        recentFirst.sort(
                Comparator.comparing((NodeInfo n) -> n.unneededSince() == null ? Instant.MAX : n.unneededSince())
                        .reversed()
                        .thenComparing(NodeInfo::name));
        int keep = keptCount();
        for (int i = 0; i < recentFirst.size(); i++) {
            out.put(recentFirst.get(i).name(), delayOfRank(i, keep));
        }
        return out;
    }

    /** How many of the most recently emptied nodes wait: {@link #kept()}, or all when the timing is fixed. */
    int keptCount() {
        return byCost ? kept() : Integer.MAX_VALUE;
    }

    /** The delay of the empty node of {@code rank} in {@link #delays}' order, {@code keep} being {@link #keptCount}. */
    Duration delayOfRank(int rank, int keep) {
        if (rank >= keep) {
            return Duration.ZERO;
        }
        return byCost && bootDelay.compareTo(scaleDownDelay) < 0 ? bootDelay : scaleDownDelay;
    }
}
