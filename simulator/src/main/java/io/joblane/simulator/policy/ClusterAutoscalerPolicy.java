package io.joblane.simulator.policy;

import io.joblane.simulator.cluster.NodeShape;
import io.joblane.simulator.cluster.NodeType;
import io.joblane.simulator.cluster.SimCluster;
import io.joblane.simulator.cluster.SimNode;
import io.joblane.simulator.cluster.SimPod;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    private final JobPods jobPods;
    private final SimCluster.Scoring scoring;
    private final long bootDelayMillis;
    private final int maxNodes;
    /** One Auto Scaling group per zone, named by its zone; empty: one group over every zone. */
    private final List<String> zonalGroups;
    /** The expander's random tie-break; its own, so the scheduler's draws do not move. */
    private final SplittableRandom expanderRandom;

    private long lastScaleUp = Long.MIN_VALUE / 2;
    private long scaleActions;
    private int drainsInProgress;

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
        // Starts from an empty group, like Joblane.
    }

    @Override
    public long scaleActions() {
        return scaleActions;
    }

    /** One RunOnce: scale up, recompute the unneeded nodes, delete what is due unless in cooldown, soft taints. */
    @Override
    public boolean scan(SimCluster cluster, long now) {
        runOnce(cluster, now);
        return true; // no promise of quiet scans yet (see ScalingPolicy.nextScanWanted): scanned every interval
    }

    private void runOnce(SimCluster cluster, long now) {
        boolean scaleDownForbidden = false;
        List<NodeGroup> groups = groups(cluster);
        List<SimPod> waiting = new ArrayList<>(cluster.pending());
        waiting.removeIf(p -> !helpedBySome(groups, p));
        if (!waiting.isEmpty()) {
            if (allPodsAreNew(waiting, now)) {
                scaleDownForbidden = true; // "waiting one iteration for more", and no scale-down this loop
            } else if (scaleUp(cluster, groups, waiting, now)) {
                lastScaleUp = now;
            }
        }
        List<SimNode> unneeded = updateUnneeded(cluster, now);
        boolean cooldown = scaleDownForbidden || now - lastScaleUp < DELAY_AFTER_ADD_MILLIS;
        if (!cooldown) {
            deleteDue(cluster, unneeded, now);
        }
        updateSoftTaints(cluster);
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
        List<Binpacking.Bin> upcoming = new ArrayList<>();
        for (SimNode n : cluster.nodes()) {
            if (!n.ready) {
                upcoming.add(new Binpacking.Bin(groupOf(groups, n).template(), n.zone));
            }
        }
        List<SimPod> rest =
                Binpacking.leftAfter(Binpacking.largestFirst(groups.get(0).template(), waiting), upcoming);
        Option best = expand(groups, rest);
        if (best == null) {
            return false;
        }
        int add = Math.min(best.nodes(), maxNodes - cluster.nodes().size());
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
    private Option expand(List<NodeGroup> groups, List<SimPod> rest) {
        List<Option> best = new ArrayList<>();
        double leastWaste = Double.MAX_VALUE;
        for (NodeGroup g : groups) {
            List<SimPod> pods = new ArrayList<>(rest);
            pods.removeIf(p -> !g.helps(p));
            if (pods.isEmpty()) {
                continue;
            }
            Option o = new Option(
                    g, Binpacking.newBins(g.template(), pods, g.zone()).size(), pods);
            double waste = waste(o);
            if (waste < leastWaste) {
                best.clear();
                leastWaste = waste;
            }
            if (waste == leastWaste) {
                best.add(o);
            }
        }
        return best.isEmpty() ? null : best.size() == 1 ? best.get(0) : best.get(expanderRandom.nextInt(best.size()));
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
     * simulation put them, so two nodes cannot count on the same free room.
     */
    private List<SimNode> updateUnneeded(SimCluster cluster, long now) {
        // Only evictable Job pods are moved by the drain simulation; the others never need the free room.
        Destinations room = jobPods == JobPods.EVICTABLE ? Destinations.of(cluster) : null;
        List<SimNode> unneeded = new ArrayList<>();
        for (SimNode n : candidates(cluster)) {
            if (!isUnneeded(n, now, room)) {
                n.lowSince = -1;
                continue;
            }
            if (n.lowSince < 0) {
                n.lowSince = now;
            }
            if (room != null) {
                room.leave(n);
            }
            unneeded.add(n);
        }
        return unneeded;
    }

    /**
     * Ready nodes not being deleted; nodes already unneeded first, then empty nodes (cluster-autoscaler's candidate
     * sorting), each class in the cluster's order: a stable sort on four classes, done as four lists.
     */
    static List<SimNode> candidates(SimCluster cluster) {
        List<List<SimNode>> classes =
                List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (SimNode n : cluster.nodes()) {
            if (n.ready && n.drainTaint != SimNode.Taint.NO_SCHEDULE) {
                classes.get((n.lowSince < 0 ? 2 : 0) + (n.hasJobPods() ? 1 : 0)).add(n);
            }
        }
        List<SimNode> out = new ArrayList<>(cluster.nodes().size());
        classes.forEach(out::addAll);
        return out;
    }

    /** The free room (each node on its own shape) of the nodes that accept pods, as the drain simulation uses it up. */
    private record Destinations(List<SimNode> nodes, long[][] free, boolean[] gone, Map<SimNode, Integer> index) {
        static Destinations of(SimCluster cluster) {
            List<SimNode> nodes = new ArrayList<>();
            Map<SimNode, Integer> index = new IdentityHashMap<>();
            for (SimNode n : cluster.nodes()) {
                if (n.acceptsPods()) {
                    index.put(n, nodes.size());
                    nodes.add(n);
                }
            }
            long[][] free = new long[nodes.size()][];
            for (int i = 0; i < free.length; i++) {
                SimNode n = nodes.get(i);
                free[i] = new long[] {
                    n.shape.cpuMillis() - n.usedCpu,
                    n.shape.memoryMillis() - n.usedMemory,
                    n.shape.gpus() - n.usedGpu,
                    n.shape.pods() - n.usedPods
                };
            }
            return new Destinations(nodes, free, new boolean[free.length], index);
        }

        /** An unneeded node takes no moved pods. */
        void leave(SimNode n) {
            Integer self = index.get(n);
            if (self != null) {
                gone[self] = true;
            }
        }
    }

    private boolean isUnneeded(SimNode n, long now, Destinations room) {
        if (n.recheckAfter > now) {
            return false; // RecentlyUnremovable
        }
        if (utilization(n, n.shape) > UTILIZATION_THRESHOLD) {
            return false; // NotUnderutilized: checked again next loop
        }
        if (!n.hasJobPods() || jobPods == JobPods.ON_COMPLETION) {
            return true; // on-completion pods are waited for, not moved
        }
        if (jobPods == JobPods.SAFE_TO_EVICT_FALSE || !placeElsewhere(n, room.nodes(), room.free(), room.gone())) {
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

    /** The drain simulation: each pod, first fit, on the other destinations; kept there when all fit. */
    private static boolean placeElsewhere(SimNode victim, List<SimNode> destinations, long[][] free, boolean[] gone) {
        List<long[]> taken = new ArrayList<>();
        List<Integer> where = new ArrayList<>();
        boolean all = true;
        for (SimPod p : victim.pods) {
            int found = -1;
            for (int i = 0; i < free.length; i++) {
                SimNode to = destinations.get(i);
                if (!gone[i] && to != victim && SimCluster.inZone(p, to) && room(free[i], p)) {
                    found = i;
                    break;
                }
            }
            if (found < 0) {
                all = false;
                break;
            }
            long[] d = {p.cpu, p.memory, p.gpu, 1};
            for (int k = 0; k < 4; k++) {
                free[found][k] -= d[k];
            }
            taken.add(d);
            where.add(found);
        }
        if (!all) {
            for (int j = 0; j < taken.size(); j++) {
                for (int k = 0; k < 4; k++) {
                    free[where.get(j)][k] += taken.get(j)[k];
                }
            }
        }
        return all;
    }

    private static boolean room(long[] free, SimPod p) {
        return free[0] >= p.cpu && free[1] >= p.memory && free[2] >= p.gpu && free[3] >= 1;
    }

    /** NodesToDelete and StartDeletion: empty nodes in bulk, one non-empty node drained at a time. */
    private void deleteDue(SimCluster cluster, List<SimNode> unneeded, long now) {
        int budget = MAX_SCALE_DOWN_PARALLELISM - drainsInProgress;
        List<SimNode> needDrain = new ArrayList<>();
        for (SimNode n : unneeded) {
            if (now - n.lowSince < UNNEEDED_MILLIS) {
                continue;
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

    /** Soft taints follow the unneeded set, at most 10 changes per loop: removals first, then additions. */
    private static void updateSoftTaints(SimCluster cluster) {
        int budget = MAX_BULK_SOFT_TAINT;
        for (SimNode n : cluster.nodes()) {
            if (budget > 0 && n.lowSince < 0 && n.drainTaint == SimNode.Taint.PREFER_NO_SCHEDULE) {
                cluster.setTaint(n, SimNode.Taint.NONE);
                budget--;
            }
        }
        for (SimNode n : cluster.nodes()) {
            if (budget > 0 && n.lowSince >= 0 && n.drainTaint == SimNode.Taint.NONE) {
                cluster.setTaint(n, SimNode.Taint.PREFER_NO_SCHEDULE);
                budget--;
            }
        }
    }
}
