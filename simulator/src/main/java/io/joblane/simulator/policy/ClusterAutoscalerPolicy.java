package io.joblane.simulator.policy;

import io.joblane.simulator.cluster.NodeRun;
import io.joblane.simulator.cluster.NodeShape;
import io.joblane.simulator.cluster.NodeType;
import io.joblane.simulator.cluster.SimCluster;
import io.joblane.simulator.cluster.SimNode;
import io.joblane.simulator.cluster.SimPod;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A model of the Kubernetes cluster-autoscaler 1.36 with its default flags, one loop per scan (see the simulator's
 * README for the source of every rule). Scale up: when pods wait (and not all of them are younger than 2 s, 30 s
 * with GPUs), bin-pack them onto booting nodes and then new ones. Scale down, every loop: a node is unneeded when its
 * utilisation (GPU only on a GPU node, else the larger of cpu and memory, DaemonSets included) is at most 50% and
 * every pod on it may go (a Job pod with {@code safe-to-evict: "false"} blocks the node, and the node is not looked
 * at again for 5 minutes; with {@code "on-completion"} the node waits for its Jobs; evictable pods must fit on the
 * other nodes). Unneeded nodes get the soft taint {@code DeletionCandidateOfClusterAutoscaler:PreferNoSchedule}
 * (10 taint changes per loop, also during the cooldown), and go once unneeded for 10 minutes, not within 10 minutes
 * of a scale-up: empty ones up to 10 at once, one non-empty node at a time (evicted, then deleted after the pods'
 * 30 s grace period). With Jobs pinned to zones, one Auto Scaling group per zone, each with its template node: the
 * {@code least-waste} expander picks a group's option and {@code --balance-similar-node-groups} spreads it over the
 * groups that can take every pod of it.
 *
 * <p>Event-driven like the real loop's effect: after a scan that changed nothing it names the next instant a scan of
 * the unchanged cluster could act ({@link #nextScanWanted}), and the simulation skips the scans before it. A node
 * found unremovable is rechecked every 5 minutes; while its pods keep it so, no scan looks at it ({@link #parked}),
 * and the rechecks the scans made meanwhile, run or skipped, are caught up on their grid when it changes, so the
 * figures are those of a scan every interval.
 */
public final class ClusterAutoscalerPolicy implements ScalingPolicy {
    /** What the webhook, or the team, put on Job pods: it decides what the drain simulation does with them. */
    public enum JobPods {
        /** {@code safe-to-evict: "false"}: the pod blocks its node's removal. */
        SAFE_TO_EVICT_FALSE,
        /** {@code safe-to-evict: "on-completion"} (1.36+): the node may be unneeded; it goes once its Jobs end. */
        ON_COMPLETION,
        /** No annotation: a Job pod is replicated, so it is evicted and its Job restarts from zero. */
        EVICTABLE
    }

    static final double UTILIZATION_THRESHOLD = 0.5;
    static final long UNNEEDED_MILLIS = 10 * 60_000L;
    static final long DELAY_AFTER_ADD_MILLIS = 10 * 60_000L;
    static final long UNREMOVABLE_RECHECK_MILLIS = 5 * 60_000L;
    static final int MAX_SCALE_DOWN_PARALLELISM = 10;
    static final int MAX_DRAIN_PARALLELISM = 1;
    static final int MAX_BULK_SOFT_TAINT = 10;
    static final long NEW_POD_BUFFER_MILLIS = 2_000L;
    static final long NEW_GPU_POD_BUFFER_MILLIS = 30_000L;
    /** Kubernetes' default {@code terminationGracePeriodSeconds}: an evicted pod leaves its node after it. */
    static final long TERMINATION_GRACE_MILLIS = 30_000L;
    /** Unneeded without Job pods, unneeded with, then the same two not unneeded: cluster-autoscaler's sort. */
    private static final int CANDIDATE_CLASSES = 4;

    private final JobPods jobPods;
    private final SimCluster.Scoring scoring;
    private final long bootDelayMillis;
    private final int maxNodes;
    /** One Auto Scaling group per zone, named by its zone; empty: one group over every zone. */
    private final List<String> zonalGroups;
    /** The expander's random tie-break; its own, so the scheduler's draws do not move. */
    private final SplittableRandom expanderRandom;
    /** The scan in progress drew from {@link #expanderRandom}: a later scan draws anew, so it is not skipped. */
    private boolean drew;

    private long lastScaleUp = Long.MIN_VALUE / 2;
    private long scaleActions;
    private int drainsInProgress;
    /** When the scans run, to catch up the rechecks of nodes set aside. */
    private final ScanGrid grid = new ScanGrid();
    /**
     * In node order, at least every node a scan can do something with: under the utilisation threshold, unneeded
     * ({@code lowSince} set) or soft-tainted, except those {@link #settled} or {@link #parked}. The others are busy,
     * not unneeded and untainted, and a scan leaves them as they are, so it need not look at them; the cluster names
     * the nodes that changed since the last scan.
     */
    private final NodeRun watched = new NodeRun();
    /**
     * Unneeded, soft-tainted nodes set aside until they are due for deletion or change ({@link #settles}): until then
     * each scan would find one unneeded again since the same time, neither taint nor delete it, so it need not look at
     * it. About 80 at a time in RICC (the {@code cluster-autoscaler} model), each waiting out its 10 minutes.
     */
    private final Set<SimNode> settled = new HashSet<>();
    /** {@link #settled}'s nodes by the time they are due; an entry whose node changed since is skipped. */
    private final PriorityQueue<Settled> settledByDue = new PriorityQueue<>(Comparator.comparingLong(Settled::due));
    /**
     * Nodes set aside until they change ({@link #parks}): every scan would leave them exactly as they are, whatever
     * the time, so none looks at them; the cluster names them when they change. About 50–60 at a time in RICC under
     * the {@code cluster-autoscaler} and {@code -on-completion} models, 38–44% of the nodes a scan would look at.
     */
    private final Set<SimNode> parked = new HashSet<>();
    /**
     * A scan's candidates in their order, the first {@link #candidateCount} ({@link #orderCandidates}); arrays kept
     * from scan to scan and overwritten, not cleared (hundreds of nodes under the threshold at every scan).
     */
    private SimNode[] candidateOrder = new SimNode[64];
    /** {@link #updateSoftTaints}: the nodes to soft-taint, in node order, until the removals are counted. */
    private final SimNode[] softTaintAdds = new SimNode[MAX_BULK_SOFT_TAINT];

    private int candidateCount;
    /** The candidates in node order and their classes, before {@link #orderCandidates} sorts them by class. */
    private SimNode[] candidatesInNodeOrder = new SimNode[64];

    private byte[] candidateClasses = new byte[64];
    private final int[] classStarts = new int[CANDIDATE_CLASSES + 1];
    /** The drain simulation's free room, kept across scans (evictable Job pods only; else null). */
    private DrainRoom drainRoom;
    /** The cluster whose changed nodes {@link #watched} follows. */
    private SimCluster watching;

    public ClusterAutoscalerPolicy(JobPods jobPods, SimCluster.Scoring scoring, long bootDelayMillis, int maxNodes) {
        this(jobPods, scoring, bootDelayMillis, maxNodes, List.of(), 1);
    }

    /**
     * With {@code zonalGroups}, one Auto Scaling group per zone (the setup cluster-autoscaler's AWS README prescribes
     * for zonal volumes) and {@code --balance-similar-node-groups}; {@code seed} seeds the expander's tie-break.
     */
    public ClusterAutoscalerPolicy(
            JobPods jobPods,
            SimCluster.Scoring scoring,
            long bootDelayMillis,
            int maxNodes,
            List<String> zonalGroups,
            long seed) {
        this.jobPods = jobPods;
        this.scoring = scoring;
        this.bootDelayMillis = bootDelayMillis;
        this.maxNodes = maxNodes;
        this.zonalGroups = List.copyOf(zonalGroups);
        this.expanderRandom = new SplittableRandom(seed);
    }

    @Override
    public String name() {
        String base = switch (jobPods) {
            case SAFE_TO_EVICT_FALSE -> "cluster-autoscaler";
            case ON_COMPLETION -> "cluster-autoscaler-on-completion";
            case EVICTABLE -> "cluster-autoscaler-unsafe";
        };
        return scoring == SimCluster.Scoring.MOST_ALLOCATED ? base + "-packing" : base;
    }

    @Override
    public boolean jobsAnnotatedSafeToEvictFalse() {
        return jobPods == JobPods.SAFE_TO_EVICT_FALSE;
    }

    @Override
    public SimCluster.Scoring scoring() {
        return scoring;
    }

    @Override
    public void start(SimCluster cluster, long now) {
        grid.start(now); // starts from an empty group, like Joblane
    }

    /**
     * Takes in the nodes changed since the last look: those a scan may now act on join {@link #watched}. A parked node
     * that changed first catches up on the rechecks of the scans up to {@code now}, this one's included when
     * {@code scannedNow}.
     */
    private void watchChanged(SimCluster cluster, long now, boolean scannedNow) {
        if (cluster != watching) {
            // The first look at this cluster: every node once, then the changes.
            watching = cluster;
            cluster.trackChangedNodes();
            watched.clear();
            settled.clear();
            settledByDue.clear();
            parked.clear();
            cluster.nodes().forEach(watched::addIfAbsent);
            if (jobPods == JobPods.EVICTABLE) {
                drainRoom = new DrainRoom();
                cluster.nodes().forEach(drainRoom::update);
            }
        }
        cluster.drainChangedNodes(n -> {
            settled.remove(n);
            if (parked.remove(n)) { // the scans that did not look at it rechecked it all the same
                n.recheckAfter = grid.rechecked(n.recheckAfter, UNREMOVABLE_RECHECK_MILLIS, now, scannedNow);
            }
            if (n.isRemoved()) {
                watched.removeIfPresent(n);
            } else if (actionable(n)) {
                watched.addIfAbsent(n);
            }
            if (drainRoom != null) {
                drainRoom.update(n);
            }
        });
    }

    /** Whether a scan may do something with {@code n} (the rest it leaves alone); a node's load changes it. */
    private static boolean actionable(SimNode n) {
        return n.lowSince >= 0
                || n.drainTaint == SimNode.Taint.PREFER_NO_SCHEDULE
                || utilization(n, n.shape) <= UTILIZATION_THRESHOLD;
    }

    @Override
    public void scansEvery(long intervalMillis) {
        grid.every(intervalMillis);
    }

    @Override
    public long scaleActions() {
        return scaleActions;
    }

    /**
     * One RunOnce: scale up, recompute the unneeded nodes, delete what is due unless in cooldown, soft taints. Acted:
     * a scale-up, an expander draw, or a node became unneeded or needed again (deletions, drains and taints change the
     * cluster).
     */
    @Override
    public boolean scan(SimCluster cluster, long now) {
        return runOnce(cluster, now);
    }

    private boolean runOnce(SimCluster cluster, long now) {
        boolean scaleDownForbidden = false;
        boolean acted = false;
        drew = false;
        List<NodeGroup> groups = groups(cluster);
        List<SimPod> waiting = waiting(cluster, groups);
        if (!waiting.isEmpty()) {
            if (allPodsAreNew(waiting, now)) {
                scaleDownForbidden = true; // "waiting one iteration for more", and no scale-down this loop
            } else if (scaleUp(cluster, groups, waiting, now)) {
                lastScaleUp = now;
                acted = true;
            }
        }
        boolean coolingDown = now - lastScaleUp < DELAY_AFTER_ADD_MILLIS;
        if (!coolingDown) {
            wakeDue(now); // deletions may come: every due node in its place
        }
        boolean unneededChanged = updateUnneeded(cluster, now);
        if (!scaleDownForbidden && !coolingDown) {
            deleteDue(cluster, now);
        }
        updateSoftTaints(cluster);
        forgetIdle(now, coolingDown);
        return acted || drew || unneededChanged;
    }

    /** The waiting pods a new node of some group would help. */
    private static List<SimPod> waiting(SimCluster cluster, List<NodeGroup> groups) {
        List<SimPod> waiting = new ArrayList<>(cluster.pending());
        waiting.removeIf(p -> !helpedBySome(groups, p));
        return waiting;
    }

    /**
     * After a scan that changed nothing: the first instant a scan of the same cluster could act. Waiting pods stop
     * being new; the scale-up cooldown ends; an unneeded node's 10 minutes run out; a recheck of an unremovable node
     * that would now find it unneeded. A recheck that would find a node blocked by its pods again is no reason to
     * scan: such a node is set aside ({@link #parks}), its rechecks caught up when it changes.
     */
    @Override
    public long nextScanWanted(SimCluster cluster, long now) {
        if (!grid.known()) {
            return now; // the grid is unknown: scan every interval
        }
        long wake = lastScaleUp + DELAY_AFTER_ADD_MILLIS > now ? lastScaleUp + DELAY_AFTER_ADD_MILLIS : Long.MAX_VALUE;
        wake = Math.min(wake, podsNoLongerNew(waiting(cluster, groups(cluster)), now));
        watchChanged(cluster, now, true);
        wake = Math.min(wake, nextSettledDue(now));
        for (SimNode n : watched) { // the others are neither unneeded nor under the threshold, or set aside above
            if (!n.ready || n.drainTaint == SimNode.Taint.NO_SCHEDULE) {
                continue; // not a candidate: changes only with the cluster
            }
            if (n.lowSince >= 0 && n.lowSince + UNNEEDED_MILLIS > now) {
                wake = Math.min(wake, n.lowSince + UNNEEDED_MILLIS);
            }
            if (n.recheckAfter > now && utilization(n, n.shape) <= UTILIZATION_THRESHOLD) {
                wake = Math.min(wake, n.recheckAfter); // it may be unneeded then (room elsewhere, no pods)
            }
        }
        return wake;
    }

    /** When the waiting pods stop being all new (the 2 s and, for GPU pods, 30 s buffers), or never. */
    private static long podsNoLongerNew(List<SimPod> waiting, long now) {
        long wake = Long.MAX_VALUE;
        for (SimPod p : waiting) {
            if (p.pendingSince + NEW_POD_BUFFER_MILLIS > now) {
                wake = Math.min(wake, p.pendingSince + NEW_POD_BUFFER_MILLIS);
            }
            if (p.gpu > 0 && p.pendingSince + NEW_GPU_POD_BUFFER_MILLIS > now) {
                wake = Math.min(wake, p.pendingSince + NEW_GPU_POD_BUFFER_MILLIS);
            }
        }
        return wake;
    }

    /**
     * A node group as the scale-up sees it: its zone (null: a group over every zone) and its template node's shape.
     * A pod pinned to a zone (its volume's node affinity) fits only the template of a group of that zone.
     */
    record NodeGroup(String zone, NodeShape template) {
        boolean helps(SimPod p) {
            return (p.zone == null || zone == null || zone.equals(p.zone))
                    && template.fitsEmpty(p.cpu, p.memory, p.gpu);
        }

        boolean owns(SimNode n) {
            return zone == null || zone.equals(n.zone);
        }
    }

    private List<NodeGroup> groups(SimCluster cluster) {
        if (zonalGroups.isEmpty()) {
            return List.of(new NodeGroup(null, template(cluster)));
        }
        List<NodeGroup> groups = new ArrayList<>(zonalGroups.size());
        for (String zone : zonalGroups) {
            groups.add(new NodeGroup(zone, template(cluster, zone)));
        }
        return groups;
    }

    private static boolean helpedBySome(List<NodeGroup> groups, SimPod p) {
        for (NodeGroup g : groups) {
            if (g.helps(p)) {
                return true;
            }
        }
        return false;
    }

    private static boolean allPodsAreNew(List<SimPod> pods, long now) {
        long oldest = Long.MAX_VALUE;
        long oldestGpu = Long.MAX_VALUE;
        for (SimPod p : pods) {
            oldest = Math.min(oldest, p.pendingSince);
            if (p.gpu > 0) {
                oldestGpu = Math.min(oldestGpu, p.pendingSince);
            }
        }
        return oldest + NEW_POD_BUFFER_MILLIS > now
                || oldestGpu != Long.MAX_VALUE && oldestGpu + NEW_GPU_POD_BUFFER_MILLIS > now;
    }

    /**
     * The node group's template node: a Ready node of the group once one exists (the first met, as
     * {@code MixedTemplateNodeInfoProvider} in {@code processors/nodeinfosprovider/mixed_nodeinfos_processor.go}
     * takes a node per group), else the Auto Scaling group's template, whose instance type is the first of a
     * MixedInstancesPolicy's overrides ({@code instanceTypesOverrides[0]}, {@code getInstanceTypesForAsgs} in
     * {@code cloudprovider/aws/aws_wrapper.go}). One shape per group, whatever types the group launches.
     */
    static NodeShape template(SimCluster cluster) {
        return template(cluster, null);
    }

    /** The template of the group of {@code zone} (null: of every zone): its first Ready node's, else the first type's. */
    static NodeShape template(SimCluster cluster, String zone) {
        for (SimNode n : cluster.nodes()) {
            if (n.ready && (zone == null || zone.equals(n.zone))) {
                return n.shape;
            }
        }
        return cluster.shape;
    }

    /**
     * ScaleUp: the nodes already booting take what they can (upcoming nodes are in the snapshot, so the pods they hold
     * are filtered out as schedulable), then one expansion option per node group, estimated by binpacking the rest of
     * the pods it helps, largest first, onto new nodes of its template; the expander picks one option and, with
     * several groups, the new nodes are balanced over the similar groups that help all the option's pods. The Auto
     * Scaling group launches each node as the type its launch rule picks.
     */
    private boolean scaleUp(SimCluster cluster, List<NodeGroup> groups, List<SimPod> waiting, long now) {
        int room = maxNodes - cluster.nodes().size();
        if (room <= 0 && groups.size() == 1) {
            return false; // at the node cap: nothing to launch, and one group's option draws no tie-break
        }
        List<Binpacking.Bin> upcoming = new ArrayList<>();
        for (SimNode n : cluster.booting()) {
            upcoming.add(new Binpacking.Bin(groupOf(groups, n).template(), n.zone));
        }
        List<SimPod> rest =
                Binpacking.leftAfter(Binpacking.largestFirst(groups.get(0).template(), waiting), upcoming);
        Option best = expand(groups, rest, room);
        if (best == null) {
            return false;
        }
        int add = Math.min(best.nodes(), room);
        if (add <= 0) {
            return false;
        }
        for (Map.Entry<NodeGroup, Integer> increase :
                balance(cluster, similar(groups, best), add).entrySet()) {
            for (int i = 0; i < increase.getValue(); i++) {
                NodeType type = cluster.types.next(cluster);
                if (type == null) {
                    break; // every type short of capacity: the launch fails
                }
                cluster.launch(
                        null,
                        now,
                        now + bootDelayMillis,
                        type,
                        increase.getKey().zone());
            }
            scaleActions++; // one IncreaseSize per group
        }
        return true;
    }

    private static NodeGroup groupOf(List<NodeGroup> groups, SimNode n) {
        for (NodeGroup g : groups) {
            if (g.owns(n)) {
                return g;
            }
        }
        return groups.get(0);
    }

    /** An expansion option: a group, the new nodes it needs and the pods they take. */
    private record Option(NodeGroup group, int nodes, List<SimPod> pods) {}

    /**
     * One option per group that helps some pod, and the expander's choice: {@code least-waste}, the default of
     * {@code --expander} (the least wasted cpu plus memory share of the new nodes, {@code expander/waste/waste.go});
     * ties broken at random, as cluster-autoscaler does. Null when no group helps any pod.
     */
    private Option expand(List<NodeGroup> groups, List<SimPod> rest, int room) {
        List<Option> best = new ArrayList<>();
        double leastWaste = Double.MAX_VALUE;
        // One group: its option is chosen whatever its waste, and at most room nodes are launched, so the estimate
        // may stop there; several groups compare their options' full waste.
        int limit = groups.size() == 1 ? Math.max(1, room) : Integer.MAX_VALUE;
        for (NodeGroup g : groups) {
            List<SimPod> pods = new ArrayList<>(rest);
            pods.removeIf(p -> !g.helps(p));
            if (pods.isEmpty()) {
                continue;
            }
            Option o = new Option(
                    g, Binpacking.newBins(g.template(), pods, g.zone(), limit).size(), pods);
            double waste = waste(o);
            if (waste < leastWaste) {
                best.clear();
                leastWaste = waste;
            }
            if (waste == leastWaste) {
                best.add(o);
            }
        }
        if (best.size() > 1) {
            drew = true;
            return best.get(expanderRandom.nextInt(best.size()));
        }
        return best.isEmpty() ? null : best.get(0);
    }

    private static double waste(Option o) {
        long cpu = 0;
        long memory = 0;
        for (SimPod p : o.pods()) {
            cpu += p.cpu;
            memory += p.memory;
        }
        double availCpu = (double) o.group().template().cpuMillis() * o.nodes();
        double availMemory = (double) o.group().template().memoryMillis() * o.nodes();
        return (availCpu - cpu) / availCpu + (availMemory - memory) / availMemory;
    }

    /**
     * The option's group and, with {@code --balance-similar-node-groups}, the other groups of the same template
     * shape that help every pod of the option ({@code ComputeSimilarNodeGroups} with
     * {@code matchingSchedulablePodGroups}, {@code core/scaleup/orchestrator/orchestrator.go}; the zone label is one of
     * the labels the comparison ignores): an option with a pod pinned to its zone has no similar group.
     */
    private static List<NodeGroup> similar(List<NodeGroup> groups, Option best) {
        List<NodeGroup> targets = new ArrayList<>();
        for (NodeGroup g : groups) {
            boolean similar = g.template().equals(best.group().template())
                    && best.pods().stream().allMatch(g::helps);
            if (g == best.group() || similar) {
                targets.add(g); // in the groups' order, so ties in size go the same way whichever option won
            }
        }
        return targets;
    }

    /**
     * {@code BalanceScaleUpBetweenGroups} ({@code processors/nodegroupset/balancing_processor.go}): each new node to
     * the target group with the fewest nodes (launched, not removed), ties in the order given. Returns the increases.
     */
    private static Map<NodeGroup, Integer> balance(SimCluster cluster, List<NodeGroup> targets, int add) {
        if (targets.size() == 1) {
            return add > 0 ? Map.of(targets.get(0), add) : Map.of(); // no sizes to compare: no walk over the nodes
        }
        int[] size = new int[targets.size()];
        for (SimNode n : cluster.nodes()) {
            for (int i = 0; i < targets.size(); i++) {
                if (targets.get(i).owns(n)) {
                    size[i]++;
                    break;
                }
            }
        }
        Map<NodeGroup, Integer> increases = new LinkedHashMap<>();
        for (int k = 0; k < add; k++) {
            int smallest = 0;
            for (int i = 1; i < size.length; i++) {
                smallest = size[i] < size[smallest] ? i : smallest;
            }
            size[smallest]++;
            increases.merge(targets.get(smallest), 1, Integer::sum);
        }
        return increases;
    }

    /**
     * The planner's UpdateClusterState: which Ready nodes are unneeded now, keeping the time each became so. A node
     * found unremovable because of its pods is skipped for the recheck timeout. Moved pods are kept where the
     * simulation put them, so two nodes cannot count on the same free room. The unneeded nodes are then the candidates
     * with {@code lowSince} set; whether the set changed (a node came or went) is returned.
     */
    private boolean updateUnneeded(SimCluster cluster, long now) {
        watchChanged(cluster, now, false); // here, after the scale-up: a node launched Ready is a candidate already
        orderCandidates();
        boolean changed = false;
        for (int i = 0; i < candidateCount; i++) {
            SimNode n = candidateOrder[i];
            if (!isUnneeded(n, now)) {
                changed |= n.lowSince >= 0;
                n.lowSince = -1;
                continue;
            }
            if (n.lowSince < 0) {
                n.lowSince = now;
                changed = true;
            }
            if (drainRoom != null) {
                drainRoom.leave(n);
            }
        }
        if (drainRoom != null) {
            drainRoom.endScan(); // moved pods were the simulation's only
        }
        return changed;
    }

    /** A node set aside and the time it becomes due (unneeded for 10 minutes). */
    private record Settled(long due, SimNode node) {
        boolean current(Set<SimNode> settled) {
            return node.lowSince + UNNEEDED_MILLIS == due && settled.contains(node);
        }
    }

    /**
     * Ready nodes not being deleted; nodes already unneeded first, then empty nodes (cluster-autoscaler's candidate
     * sorting), each class in the cluster's order: a stable counting sort on four classes into {@link #candidateOrder}.
     * Only the {@link #watched} nodes: every other candidate is over the threshold and not unneeded, so the scan would
     * find it needed and leave it as it is, wherever it stood in the order, or is {@link #settled}: unneeded and not
     * due, so no deletion looks at it.
     */
    private void orderCandidates() {
        if (candidatesInNodeOrder.length < watched.size()) {
            int length = Math.max(watched.size(), 2 * candidatesInNodeOrder.length);
            candidatesInNodeOrder = new SimNode[length];
            candidateOrder = new SimNode[length];
            candidateClasses = new byte[length];
        }
        Arrays.fill(classStarts, 0);
        int count = 0;
        for (SimNode n : watched) {
            if (n.ready && n.drainTaint != SimNode.Taint.NO_SCHEDULE) {
                int candidateClass = (n.lowSince < 0 ? 2 : 0) + (n.hasJobPods() ? 1 : 0);
                candidatesInNodeOrder[count] = n;
                candidateClasses[count++] = (byte) candidateClass;
                classStarts[candidateClass + 1]++;
            }
        }
        for (int c = 1; c <= CANDIDATE_CLASSES; c++) {
            classStarts[c] += classStarts[c - 1];
        }
        for (int i = 0; i < count; i++) {
            candidateOrder[classStarts[candidateClasses[i]]++] = candidatesInNodeOrder[i];
        }
        candidateCount = count;
    }

    /**
     * After a scan: drops from {@link #watched} the nodes it cannot act on any more (removed, busy and untainted), and
     * sets aside those that {@link #settles}.
     */
    private void forgetIdle(long now, boolean coolingDown) {
        watched.removeIf(n -> n.isRemoved() || !actionable(n) || settles(n, now, coolingDown) || parks(n, now));
    }

    /**
     * Whether every scan until {@code n} changes leaves it as it is, whatever the time (then it is {@link #parked}): a
     * node its {@code safe-to-evict: "false"} Job pods block, each recheck finding it blocked again (only its recheck
     * time moves, caught up when it changes: {@link ScanGrid#rechecked}); or, with {@code "on-completion"} Job pods, an
     * unneeded, soft-tainted node due for deletion, which waits for its Jobs. Neither is unneeded anew, tainted,
     * untainted, deleted, nor counted against a budget, nor a reason to wake.
     */
    private boolean parks(SimNode n, long now) {
        if (!n.ready || !n.hasJobPods()) {
            return false;
        }
        boolean parks = switch (jobPods) {
            case SAFE_TO_EVICT_FALSE ->
                grid.known() // to catch up its rechecks on
                        && n.lowSince < 0
                        && n.drainTaint == SimNode.Taint.NONE
                        && n.recheckAfter > now;
            case ON_COMPLETION ->
                n.lowSince >= 0
                        && n.lowSince + UNNEEDED_MILLIS <= now
                        && n.drainTaint == SimNode.Taint.PREFER_NO_SCHEDULE;
            case EVICTABLE -> false; // its drain simulation counts every unneeded node's room at each scan
        };
        if (parks) {
            parked.add(n);
        }
        return parks;
    }

    /**
     * When the first node set aside becomes due, after {@code now}, or never. One due by now waits for the cooldown's
     * end (nodes stay aside past their due time only in a cooldown, and its end wakes the loop).
     */
    private long nextSettledDue(long now) {
        while (!settledByDue.isEmpty() && !settledByDue.peek().current(settled)) {
            settledByDue.poll();
        }
        return settledByDue.isEmpty() || settledByDue.peek().due() <= now
                ? Long.MAX_VALUE
                : settledByDue.peek().due();
    }

    /** Takes back into {@link #watched} the nodes set aside that are due by {@code now}. */
    private void wakeDue(long now) {
        while (!settledByDue.isEmpty() && settledByDue.peek().due() <= now) {
            Settled s = settledByDue.poll();
            if (s.current(settled)) {
                settled.remove(s.node());
                watched.addIfAbsent(s.node());
            }
        }
    }

    /**
     * Whether {@code n} is unneeded and soft-tainted, and not yet due for deletion (or due, but in a cooldown, when no
     * deletion runs): until it changes a scan finds it unneeded since the same time (its utilisation and pods are the
     * same, and only a node blocked by its pods has a recheck pending), neither taints nor untaints it, and deletes
     * nothing before it is due (the deletions' order and budget count due nodes only); then it goes to
     * {@link #settled}. Not with evictable Job pods: their drain simulation takes every unneeded node's room out at
     * each scan.
     */
    private boolean settles(SimNode n, long now, boolean coolingDown) {
        long due = n.lowSince + UNNEEDED_MILLIS;
        boolean settles = jobPods != JobPods.EVICTABLE
                && n.ready
                && n.lowSince >= 0
                && n.drainTaint == SimNode.Taint.PREFER_NO_SCHEDULE
                && (coolingDown || due > now);
        if (settles && settled.add(n)) {
            settledByDue.add(new Settled(due, n));
        }
        return settles;
    }

    private boolean isUnneeded(SimNode n, long now) {
        if (n.recheckAfter > now) {
            return false; // RecentlyUnremovable
        }
        if (utilization(n, n.shape) > UTILIZATION_THRESHOLD) {
            return false; // NotUnderutilized: checked again next loop
        }
        if (!n.hasJobPods() || jobPods == JobPods.ON_COMPLETION) {
            return true; // on-completion pods are waited for, not moved
        }
        if (jobPods == JobPods.SAFE_TO_EVICT_FALSE || !drainRoom.placeElsewhere(n)) {
            n.recheckAfter = now + UNREMOVABLE_RECHECK_MILLIS; // BlockedByPod or NoPlaceToMovePods
            return false;
        }
        return true;
    }

    /**
     * Utilisation as cluster-autoscaler computes it: on a node with GPUs the GPU share alone, else the larger of the
     * cpu and memory shares; requests over allocatable, DaemonSets included.
     */
    public static double utilization(SimNode n, NodeShape shape) {
        if (shape.gpus() > 0) {
            return (double) n.usedGpu / shape.gpus();
        }
        return Math.max((double) n.usedCpu / shape.cpuMillis(), (double) n.usedMemory / shape.memoryMillis());
    }

    /**
     * NodesToDelete and StartDeletion over this scan's unneeded nodes in their order: empty nodes in bulk, one non-empty
     * node drained at a time.
     */
    private void deleteDue(SimCluster cluster, long now) {
        int budget = MAX_SCALE_DOWN_PARALLELISM - drainsInProgress;
        List<SimNode> needDrain = new ArrayList<>();
        for (int i = 0; i < candidateCount; i++) {
            SimNode n = candidateOrder[i];
            if (n.lowSince < 0 || now - n.lowSince < UNNEEDED_MILLIS) {
                continue; // needed, or not unneeded for long enough
            }
            if (!n.hasJobPods()) {
                if (budget > 0) {
                    budget--;
                    cluster.remove(n, now);
                    scaleActions++;
                }
            } else if (jobPods == JobPods.EVICTABLE) {
                needDrain.add(n); // on-completion nodes wait (BlockedByOnCompletionPod) until they are empty
            }
        }
        if (needDrain.isEmpty() || budget <= 0 || drainsInProgress >= MAX_DRAIN_PARALLELISM) {
            return;
        }
        SimNode victim = needDrain.get(0);
        cluster.setTaint(victim, SimNode.Taint.NO_SCHEDULE); // ToBeDeletedByClusterAutoscaler
        cluster.evictAll(victim, now);
        drainsInProgress++;
        cluster.at(now + TERMINATION_GRACE_MILLIS, () -> {
            drainsInProgress--;
            cluster.remove(victim, now + TERMINATION_GRACE_MILLIS);
            scaleActions++;
        });
    }

    /**
     * Soft taints follow the unneeded set, at most 10 changes per loop: removals first, then additions. One walk: the
     * first additions wait in {@link #softTaintAdds} until the removals are all known (two walks were 3% of the peers).
     */
    private void updateSoftTaints(SimCluster cluster) {
        // Tainted and unneeded nodes are all watched or set aside (unneeded and tainted: nothing to change); a node
        // removed by this scan is still in the set.
        int budget = MAX_BULK_SOFT_TAINT;
        int adds = 0;
        for (SimNode n : watched) {
            if (n.isRemoved()) {
                continue;
            }
            if (n.lowSince < 0 && n.drainTaint == SimNode.Taint.PREFER_NO_SCHEDULE) {
                cluster.setTaint(n, SimNode.Taint.NONE);
                if (--budget == 0) {
                    break; // the removals took it all
                }
            } else if (adds < MAX_BULK_SOFT_TAINT && n.lowSince >= 0 && n.drainTaint == SimNode.Taint.NONE) {
                softTaintAdds[adds++] = n;
            }
        }
        for (int i = 0; i < adds && i < budget; i++) {
            cluster.setTaint(softTaintAdds[i], SimNode.Taint.PREFER_NO_SCHEDULE);
        }
        Arrays.fill(softTaintAdds, 0, adds, null);
    }
}
