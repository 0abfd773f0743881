package io.joblane.simulator.cluster;

import io.joblane.simulator.report.LogHistogram;
import io.joblane.simulator.report.Series;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * The simulated cluster of one policy run in virtual time: nodes of the group's instance types, Job pods, a scheduler that acts like
 * the default kube-scheduler, the event queues (completions, timers) and the figures. Policies change it only through
 * its methods (launch, ready, taint, cordon, remove, evict). Single-threaded; memory grows with live pods and nodes.
 */
public final class SimCluster {
    /**
     * The scheduler's NodeResourcesFit scoring: the default kube-scheduler's LeastAllocated (pods spread), or
     * MostAllocated, the profile of the chart's packing scheduler (pods fill the busiest node that fits).
     */
    public enum Scoring {
        LEAST_ALLOCATED,
        MOST_ALLOCATED
    }

    /** The zones nodes get in turn when the policy does not say (the fake cloud's zones). */
    public static final List<String> ZONES = List.of("zone-a", "zone-b", "zone-c");

    private record Timer(long time, long seq, Runnable action) {}

    /** The first type's shape: what policies that know one shape plan with. */
    public final NodeShape shape;

    public final NodeTypes types;
    private final Scoring scoring;
    /** Nodes per type name, launched and not removed (what the cloud's capacity per type counts). */
    private final Map<String, Integer> nodesByType = new HashMap<>();

    private final SplittableRandom random;
    /** The nodes by name, in launch order (removal in constant time: groups churn through many nodes). */
    private final Map<String, SimNode> nodesByName = new java.util.LinkedHashMap<>();

    private final java.util.Collection<SimNode> nodes = nodesByName.values();
    private final Map<String, SimNode> nodesByInstance = new HashMap<>();
    private final List<SimPod> pending = new ArrayList<>();
    /**
     * The nodes without Job pods, in node order, kept from the first time a policy asks ({@link #emptyNodes}; null
     * before): Karpenter and the clairvoyant reference look each time, the other policies never, and keeping it costs
     * a search of a long run at every bind that fills an empty node and every end that empties one.
     */
    private NodeRun emptyNodes;
    /** The nodes launched and not yet Ready, in node order: what the autoscalers' estimates count as upcoming. */
    private final NodeRun bootingNodes = new NodeRun();
    /** The best nodes of the pick in progress, in node order. */
    private final List<SimNode> ties = new ArrayList<>();
    /** The pick of pods that nodes of one load do not all score alike (preferred terms, zones). */
    private final NodeScan nodeScan;

    private final List<LoadBuckets.Bucket> tiedBuckets = new ArrayList<>();
    private final LoadBuckets buckets = new LoadBuckets();
    /** Tests only: pick by scanning every node ({@link NodeScan#scanEveryNode}), the reference the buckets must agree with. */
    boolean pickByScan;
    /** Nodes whose load or state changed since {@link #drainChangedNodes}, for a policy that asked to track them. */
    private List<SimNode> changedNodes;

    /** Spot nodes under notice and not yet taken: Ready, but in no load bucket. */
    private final NodeRun noticedSpotNodes = new NodeRun();
    /** Reused by {@link #acceptingWithRoomFor}. */
    private final List<SimNode> withRoom = new ArrayList<>();

    private int booting;
    /** Bumped by every change a policy could decide from ({@link #version()}); lane-end labels by their own. */
    private long version, laneEndChanges;

    private int firstUntried;
    private boolean capacityChanged;
    private final CompletionQueue completions = new CompletionQueue();
    private final PriorityQueue<Timer> timers =
            new PriorityQueue<>((a, b) -> a.time != b.time ? Long.compare(a.time, b.time) : Long.compare(a.seq, b.seq));
    private long timerSeq;
    /** Told of every Job run that ends (not of evicted runs): the pod and the end time. */
    private java.util.function.ObjLongConsumer<SimPod> finishedListener = (pod, at) -> {};

    private long nodeSeq;
    private long running;

    // Figures.
    public final Series nodeSeries;
    public final LogHistogram waits = new LogHistogram();
    public double nodeMillis;
    /** Node time weighted by each node's price per hour, and by its cpu (vCPU-milliseconds x 1000). */
    public double costMillis;

    public double cpuMillisMillis;
    public final double[] runResourceMillis = new double[4];
    long jobsSubmitted;
    public long jobsStarted;
    long jobsFinished;
    public long jobsInterrupted;
    public long interruptions;
    public long lostRunMillis;
    public long podsOnRemovedNodes;
    /** Spot: Jobs whose pod died at least once with a Spot node the cloud took (never the policy's doing). */
    public long jobsLostToSpot;
    /** Spot: run time thrown away when the cloud took Spot nodes. */
    public long spotLostRunMillis;
    /** Spot: interruption notices, and nodes the cloud took after one. */
    public long spotNotices;

    public long spotNodesTaken;
    private SpotMarket spot = SpotMarket.NONE;
    private java.util.SplittableRandom spotRandom;
    private java.util.function.BiConsumer<SimNode, Long> spotTaker;
    public int peakNodes;
    long lastEventTime;

    SimCluster(NodeShape shape, long seed, long seriesWidthMillis) {
        this(shape, Scoring.LEAST_ALLOCATED, seed, seriesWidthMillis);
    }

    public SimCluster(NodeShape shape, Scoring scoring, long seed, long seriesWidthMillis) {
        this(NodeTypes.single(shape, 0), scoring, seed, seriesWidthMillis);
    }

    public SimCluster(NodeTypes types, Scoring scoring, long seed, long seriesWidthMillis) {
        this.types = types;
        this.shape = types.first().shape();
        this.scoring = scoring;
        this.random = new SplittableRandom(seed);
        this.nodeScan = new NodeScan(scoring, random);
        this.nodeSeries = new Series(seriesWidthMillis);
    }

    // ---- nodes -------------------------------------------------------------------------------------------

    /** A node of the first type launched at {@code now}; it joins (Ready) at {@code readyAt} via a timer. */
    public SimNode launch(String instanceId, long now, long readyAt) {
        return launch(instanceId, now, readyAt, types.first());
    }

    /** A node of {@code type} launched at {@code now}; it joins (Ready) at {@code readyAt} via a timer. */
    public SimNode launch(String instanceId, long now, long readyAt, NodeType type) {
        return launch(instanceId, now, readyAt, type, null);
    }

    /**
     * A node of {@code type} in {@code zone} (null: the zones in turn, as a multi-zone group balances them) launched at
     * {@code now}; it joins (Ready) at {@code readyAt} via a timer.
     */
    public SimNode launch(String instanceId, long now, long readyAt, NodeType type, String zone) {
        String id = instanceId != null ? instanceId : "i-" + Long.toHexString(0x10000000L + nodeSeq);
        SimNode node = new SimNode("node-" + nodeSeq, id, now, type);
        node.zone = zone != null ? zone : ZONES.get((int) (nodeSeq % ZONES.size()));
        nodesByType.merge(type.name(), 1, Integer::sum);
        node.seq = nodeSeq++;
        version++;
        node.readyAt = readyAt;
        nodesByName.put(node.name, node);
        nodesByInstance.put(node.instanceId, node);
        if (emptyNodes != null) {
            emptyNodes.add(node);
        }
        peakNodes = Math.max(peakNodes, nodes.size());
        booting++;
        bootingNodes.add(node);
        nodeSeries.set(now, nodes.size());
        if (spotRandom != null) {
            buySpot(node, now);
        }
        if (readyAt <= now) {
            ready(node);
        } else {
            at(readyAt, () -> {
                if (!node.removed) {
                    ready(node);
                }
            });
        }
        return node;
    }

    /**
     * Spot for this run: new nodes are Spot with the market's share, each interrupted after an exponential time of
     * the market's rate from its launch; {@code taker} removes a node the cloud takes (the policy may replace it).
     */
    public void spot(SpotMarket market, long seed, java.util.function.BiConsumer<SimNode, Long> taker) {
        if (market.active()) {
            spot = market;
            spotRandom = new java.util.SplittableRandom(seed * 0x9E3779B97F4A7C15L + 17);
            spotTaker = taker;
        }
    }

    private void buySpot(SimNode node, long now) {
        if (spotRandom.nextDouble() >= spot.spotShare()) {
            return;
        }
        node.spot = true;
        double hours = -Math.log(1 - spotRandom.nextDouble()) / spot.interruptionsPerNodeHour();
        long noticeAt = now + (long) Math.min(hours * 3_600_000.0, Long.MAX_VALUE / 4.0);
        at(noticeAt, () -> {
            if (node.removed) {
                return;
            }
            node.spotNoticed = true;
            noticedSpotNodes.add(node);
            spotNotices++;
            capacityChanged = true;
            changed(node);
            long takeAt = noticeAt + SpotMarket.NOTICE_MILLIS;
            at(takeAt, () -> {
                if (!node.removed) {
                    spotTaker.accept(node, takeAt);
                }
            });
        });
    }

    public void ready(SimNode node) {
        bootingNodes.remove(node);
        node.ready = true;
        booting--;
        capacityChanged = true;
        changed(node);
    }

    /** Records a change of {@code node}'s load or schedulability. */
    private void changed(SimNode node) {
        version++;
        buckets.update(node);
        listChanged(node);
    }

    /**
     * Lists {@code node} as changed for a policy that tracks changes, without counting a change: for what the policy
     * keeps on the node itself (annotations, the cordon's owner), which the version counts where it did before.
     */
    public void listChanged(SimNode node) {
        if (changedNodes != null && !node.listedChanged) {
            node.listedChanged = true;
            changedNodes.add(node);
        }
    }

    /** From now on, remember the nodes that change (load, readiness, taint, cordon, removal) for a policy. */
    public void trackChangedNodes() {
        if (changedNodes == null) {
            changedNodes = new ArrayList<>();
        }
    }

    /** Hands every node changed since the last call (removed ones included) to {@code action}, once each. */
    public void drainChangedNodes(java.util.function.Consumer<SimNode> action) {
        for (SimNode n : changedNodes) {
            n.listedChanged = false;
            action.accept(n);
        }
        changedNodes.clear();
    }

    /** Nodes of the type named, launched and not removed. */
    public int nodesOfType(String typeName) {
        return nodesByType.getOrDefault(typeName, 0);
    }

    /** Bills {@code node} from its launch to {@code end}. */
    private void bill(SimNode node, long end) {
        long millis = end - node.launchedAt;
        nodeMillis += millis;
        costMillis += millis * node.type.pricePerHour() * (node.spot ? spot.priceRatio() : 1);
        cpuMillisMillis += (double) millis * node.shape.cpuMillis();
    }

    /** Nodes launched and not yet Ready. */
    public int bootingNodes() {
        return booting;
    }

    /** The nodes launched and not yet Ready, in node order; do not change. */
    public Iterable<SimNode> booting() {
        return bootingNodes;
    }

    /**
     * Moves whenever the cluster changes in a way a policy could decide from (pods submitted, bound, finished or
     * evicted; nodes launched, ready, removed, tainted, cordoned, annotated); lane-end labels count apart.
     */
    public long version() {
        return version;
    }

    /** For policies that write node fields the cluster does not own (a scaler's annotations). */
    public void touch() {
        version++;
    }

    /** Removes the node at {@code now}; any Job pod still on it is evicted (and counted). */
    public void remove(SimNode node, long now) {
        remove(node, now, false);
    }

    /** The cloud takes a Spot node: its Job pods die and restart elsewhere, counted as Spot's, not the policy's. */
    public void removeTakenBySpot(SimNode node, long now) {
        if (!node.removed) {
            spotNodesTaken++;
        }
        remove(node, now, true);
    }

    private void remove(SimNode node, long now, boolean bySpot) {
        if (node.removed) {
            return;
        }
        if (!bySpot) {
            podsOnRemovedNodes += node.pods.size();
        }
        if (!node.ready) {
            booting--;
            bootingNodes.remove(node);
        }
        for (SimPod pod : new ArrayList<>(node.pods)) {
            evict(pod, now, bySpot);
        }
        node.removed = true;
        changed(node);
        if (emptyNodes != null) {
            emptyNodes.remove(node);
        }
        nodesByName.remove(node.name);
        nodesByInstance.remove(node.instanceId);
        noticedSpotNodes.removeIfPresent(node);
        nodesByType.merge(node.type.name(), -1, Integer::sum);
        bill(node, now);
        nodeSeries.set(now, nodes.size());
    }

    public void setTaint(SimNode node, SimNode.Taint taint) {
        if (node.drainTaint != taint) {
            node.drainTaint = taint;
            capacityChanged = true;
            changed(node);
        }
    }

    /**
     * Sets the node's {@code joblane.io/lane-end} label (null removes it). Only scores move: waiting pods are not
     * retried for it. Not a {@link #version} change: no planner decision reads it, and as in the scaler's kube cache
     * (ClusterCache.nodeChanged) a change of it alone wakes no scan; scheduling runs at every event time anyway.
     */
    public void setLaneEnd(SimNode node, String value) {
        if (!java.util.Objects.equals(node.laneEnd, value)) {
            node.laneEnd = value;
            node.laneEndMinutes = minutesOrNone(value);
            if (node.bucket != null) {
                node.bucket.nodes.laneEndChanged(node);
            }
            laneEndChanges++;
            listChanged(node);
        }
    }

    public long laneEndChanges() {
        return laneEndChanges;
    }

    private static long minutesOrNone(String laneEnd) {
        try {
            return laneEnd == null ? SimNode.NO_LANE_END : Long.parseLong(laneEnd);
        } catch (NumberFormatException e) {
            return SimNode.NO_LANE_END;
        }
    }

    /** Tells {@code listener} of every run that ends, with its end time (a policy's learning from finished pods). */
    public void onFinished(java.util.function.ObjLongConsumer<SimPod> listener) {
        this.finishedListener = listener;
    }

    public void setCordoned(SimNode node, boolean cordoned) {
        if (node.cordoned != cordoned) {
            node.cordoned = cordoned;
            capacityChanged = true;
            changed(node);
        }
    }

    /** The nodes, booting ones included, in launch order; do not change. */
    public java.util.Collection<SimNode> nodes() {
        return nodes;
    }

    /**
     * The nodes that accept pods and have room for {@code pod} (its zone not asked), found through the load buckets
     * rather than a walk of every node, in no particular order: a list reused by the next call.
     */
    public List<SimNode> acceptingWithRoomFor(SimPod pod) {
        withRoom.clear();
        for (LoadBuckets.Bucket b : buckets.buckets()) {
            if (b.fits(pod)) {
                b.nodes.forEach(withRoom::add);
            }
        }
        return withRoom;
    }

    /** The Spot nodes under notice and not yet taken, in node order: Ready, yet closed to new pods. */
    public Iterable<SimNode> noticedSpotNodes() {
        return noticedSpotNodes;
    }

    /** The nodes without Job pods (booting ones included), in node order; do not change, copy to remove nodes. */
    public Iterable<SimNode> emptyNodes() {
        return emptyRun();
    }

    /** How many nodes have no Job pod. */
    public int emptyNodeCount() {
        return emptyRun().size();
    }

    /** {@link #emptyNodes}, gathered from every node the first time it is asked for and kept from then on. */
    private NodeRun emptyRun() {
        if (emptyNodes == null) {
            emptyNodes = new NodeRun();
            for (SimNode n : nodes) {
                if (n.pods.isEmpty()) {
                    emptyNodes.add(n);
                }
            }
        }
        return emptyNodes;
    }

    public SimNode nodeByName(String name) {
        return nodesByName.get(name);
    }

    public SimNode nodeByInstance(String instanceId) {
        return nodesByInstance.get(instanceId);
    }

    public List<SimPod> pending() {
        return pending;
    }

    public long runningPods() {
        return running;
    }

    // ---- pods --------------------------------------------------------------------------------------------

    /** Pods submitted so far (a pod restarted after an eviction counts once). */
    public long submitted() {
        return jobsSubmitted;
    }

    public void submit(SimPod pod) {
        jobsSubmitted++;
        version++;
        pending.add(pod);
    }

    /** Evicts every Job pod on {@code node} (an autoscaler's drain); each one's Job restarts from zero. */
    public void evictAll(SimNode node, long now) {
        for (SimPod pod : new ArrayList<>(node.pods)) {
            evict(pod, now, false);
        }
    }

    /** The Job controller replaces an evicted pod; the new one starts from zero. */
    void evict(SimPod pod, long now, boolean bySpot) {
        SimNode node = pod.node;
        long ran = now - pod.startedAt;
        account(pod, ran);
        if (bySpot) {
            spotLostRunMillis += ran;
            if (pod.spotLosses++ == 0) {
                jobsLostToSpot++;
            }
        } else {
            lostRunMillis += ran;
            interruptions++;
            if (pod.interruptions++ == 0) {
                jobsInterrupted++;
            }
        }
        unbind(pod, node, now);
        pod.run++;
        pod.pendingSince = now;
        pending.add(pod);
    }

    private void unbind(SimPod pod, SimNode node, long now) {
        node.pods.remove(pod);
        if (node.pods.isEmpty() && emptyNodes != null) {
            emptyNodes.add(node);
        }
        node.podsChanged();
        node.lastPodEventAt = now;
        node.usedCpu -= pod.cpu;
        node.usedMemory -= pod.memory;
        node.usedGpu -= pod.gpu;
        node.usedPods--;
        pod.node = null;
        pod.info = null;
        running--;
        capacityChanged = true;
        changed(node);
    }

    private void account(SimPod pod, long ran) {
        runResourceMillis[0] += (double) pod.cpu * ran;
        runResourceMillis[1] += (double) pod.memory * ran;
        runResourceMillis[2] += (double) pod.gpu * ran;
        runResourceMillis[3] += ran;
    }

    /** Binds {@code pod} to {@code node} now: for policies that place pods themselves (the clairvoyant reference). */
    public void bind(SimPod pod, SimNode node, long now) {
        pod.node = node;
        node.lastPodEventAt = now;
        pod.info = null;
        if (node.pods.isEmpty() && emptyNodes != null) {
            emptyNodes.remove(node);
        }
        node.pods.add(pod);
        node.podsChanged();
        node.usedCpu += pod.cpu;
        node.usedMemory += pod.memory;
        node.usedGpu += pod.gpu;
        node.usedPods++;
        pod.waited += now - pod.pendingSince;
        pod.startedAt = now;
        if (pod.firstStartedAt < 0) {
            pod.firstStartedAt = now;
            jobsStarted++;
        }
        pod.run++;
        running++;
        changed(node);
        completions.add(now + pod.duration, pod, pod.run);
    }

    // ---- events ------------------------------------------------------------------------------------------

    public void at(long time, Runnable action) {
        timers.add(new Timer(time, timerSeq++, action));
    }

    /** The time of the next queued completion or timer, or Long.MAX_VALUE. */
    public long nextEventTime() {
        long t = Long.MAX_VALUE;
        if (!completions.isEmpty()) {
            t = completions.headTime();
        }
        Timer timer = timers.peek();
        if (timer != null) {
            t = Math.min(t, timer.time);
        }
        return t;
    }

    public boolean hasQueuedEvents() {
        return !completions.isEmpty() || !timers.isEmpty();
    }

    /** Runs every completion, then every timer, due at or before {@code now}. */
    public void runEventsUntil(long now) {
        while (!completions.isEmpty() && completions.headTime() <= now) {
            long time = completions.headTime();
            SimPod pod = completions.headPod();
            int run = completions.headRun();
            completions.removeHead();
            if (pod.run != run || pod.node == null) {
                continue;
            }
            account(pod, time - pod.startedAt);
            unbind(pod, pod.node, time);
            finishedListener.accept(pod, time);
            jobsFinished++;
            waits.record(pod.waited);
            lastEventTime = Math.max(lastEventTime, time);
        }
        while (!timers.isEmpty() && timers.peek().time <= now) {
            timers.poll().action.run();
        }
    }

    // ---- scheduler ---------------------------------------------------------------------------------------

    /**
     * One pass of the kube-scheduler over the pods waiting: filter (ready, not cordoned, no NoSchedule taint,
     * requests fit), then prefer nodes without the PreferNoSchedule draining taint, then the highest
     * {@link #score}, ties broken at random. Unchanged waiting pods are only retried when capacity changed.
     */
    public void schedule(long now) {
        int from = capacityChanged ? 0 : firstUntried;
        capacityChanged = false;
        if (from >= pending.size()) {
            firstUntried = pending.size();
            return;
        }
        long maxCpu = -1;
        long maxMemory = -1;
        long maxGpu = -1;
        int maxPods = -1;
        for (LoadBuckets.Bucket b : buckets.buckets()) {
            maxCpu = Math.max(maxCpu, b.shape.cpuMillis() - b.cpu);
            maxMemory = Math.max(maxMemory, b.shape.memoryMillis() - b.memory);
            maxGpu = Math.max(maxGpu, b.shape.gpus() - b.gpu);
            maxPods = Math.max(maxPods, b.shape.pods() - b.pods);
        }
        // A pass only takes capacity, so a pod at least as large as one that found no node finds none either.
        SimPod failed = null;
        int kept = from;
        for (int i = from; i < pending.size(); i++) {
            SimPod pod = pending.get(i);
            SimNode best = null;
            boolean fitsSomeNode = pod.cpu <= maxCpu && pod.memory <= maxMemory && pod.gpu <= maxGpu && maxPods >= 1;
            if (fitsSomeNode && smallerSomewhere(pod, failed)) {
                best = !needsScan(pod) ? pick(pod) : pickByScan ? nodeScan.scanEveryNode(pod, nodes) : pickByTerms(pod);
            }
            if (best != null) {
                bind(pod, best, now);
            } else {
                if (pod.zone == null) {
                    failed = pod; // a pod pinned to a zone proves nothing about the other zones
                }
                pending.set(kept++, pod);
            }
        }
        pending.subList(kept, pending.size()).clear();
        firstUntried = pending.size();
    }

    /** The buckets' pick for a pod with preferred terms or a zone; a lane's reads the nodes' lane ends from then on. */
    private SimNode pickByTerms(SimPod pod) {
        if (pod.lane != null) {
            buckets.keepLaneEnds();
        }
        return nodeScan.pick(pod, nodes, buckets.buckets());
    }

    /** Tests only: how many picks the scan of every node decided because rounding made the best class inconsistent. */
    int picksHandedToScan() {
        return nodeScan.handedToScan;
    }

    /** Preferred terms score nodes by their labels, and the load buckets know neither zones nor capacity types. */
    private boolean needsScan(SimPod pod) {
        return pickByScan || pod.lane != null || pod.zone != null || pod.prefersOnDemand;
    }

    /**
     * The best node for {@code pod}; among equally good nodes one uniformly at random, with one draw whatever the
     * number of ties (a draw per tie met would cost as much as the scan itself on a large, mostly empty group). Looks
     * at the load buckets, not at every node: the same choice as {@link NodeScan#scanEveryNode}.
     */
    private SimNode pick(SimPod pod) {
        tiedBuckets.clear();
        boolean bestPrefer = true;
        double bestScore = -1;
        int tied = 0;
        for (LoadBuckets.Bucket b : buckets.buckets()) {
            if (!b.fits(pod)) {
                continue;
            }
            boolean prefer = b.preferNot;
            double score = score(scoring, b.shape, b.cpu, b.memory, pod);
            if (tiedBuckets.isEmpty() || (bestPrefer && !prefer) || (prefer == bestPrefer && score > bestScore)) {
                tiedBuckets.clear();
                tiedBuckets.add(b);
                tied = b.nodes.size();
                bestPrefer = prefer;
                bestScore = score;
            } else if (prefer == bestPrefer && score == bestScore) {
                tiedBuckets.add(b);
                tied += b.nodes.size();
            }
        }
        if (tiedBuckets.isEmpty()) {
            return null;
        }
        int chosen = tied == 1 ? 0 : random.nextInt(tied);
        if (tiedBuckets.size() == 1) {
            return tiedBuckets.get(0).nodes.get(chosen);
        }
        ties.clear();
        for (LoadBuckets.Bucket b : tiedBuckets) {
            b.nodes.forEach(ties::add);
        }
        ties.sort(LoadBuckets.NODE_ORDER);
        return ties.get(chosen);
    }

    /**
     * NodeResourcesFit's score of binding {@code pod} to {@code node}, cpu and memory weighted 1 each (its default
     * resources): LeastAllocated, the mean free share after binding; MostAllocated, the mean requested share after
     * binding (DaemonSets included, as the real scheduler counts every pod). Higher wins. Exact rather than the real
     * plugin's 0-100 integers, so ties are rarer than in a cluster.
     */
    static double score(Scoring scoring, SimNode node, SimPod pod) {
        return score(scoring, node.shape, node.usedCpu, node.usedMemory, pod);
    }

    static double score(Scoring scoring, NodeShape shape, long usedCpu, long usedMemory, SimPod pod) {
        double cpuCap = shape.cpuMillis();
        double memCap = shape.memoryMillis();
        // Each written out rather than one as 1 - the other: the same rounding, so the same ties, as before.
        return scoring == Scoring.MOST_ALLOCATED
                ? ((usedCpu + pod.cpu) / cpuCap + (usedMemory + pod.memory) / memCap) / 2
                : ((cpuCap - usedCpu - pod.cpu) / cpuCap + (memCap - usedMemory - pod.memory) / memCap) / 2;
    }

    /** The scheduler's zone filter: a pod pinned to a zone (its volume's) runs only on a node of that zone. */
    public static boolean inZone(SimPod pod, SimNode node) {
        return pod.zone == null || pod.zone.equals(node.zone);
    }

    /** Whether {@code pod} asks for less than {@code failed} (null: none failed) of some resource. */
    private static boolean smallerSomewhere(SimPod pod, SimPod failed) {
        return failed == null || pod.cpu < failed.cpu || pod.memory < failed.memory || pod.gpu < failed.gpu;
    }

    /**
     * cluster-autoscaler's drain simulation: whether {@code victim}'s pods, one after the other, each on the first
     * other node (node order) that accepts pods and still has room, all find a place. Looks at the load buckets and
     * at the few nodes already given a pod, not at every node.
     */
    public boolean podsFitElsewhere(SimNode victim) {
        List<SimNode> given = new ArrayList<>();
        given.add(victim);
        List<long[]> free = new ArrayList<>();
        free.add(null);
        for (SimPod p : victim.pods) {
            SimNode best = firstUntouched(p, given);
            int bestGiven = -1;
            for (int i = 1; i < given.size(); i++) {
                long[] f = free.get(i);
                SimNode n = given.get(i);
                boolean room = f[0] >= p.cpu && f[1] >= p.memory && f[2] >= p.gpu && f[3] >= 1;
                if (room && inZone(p, n) && (best == null || n.seq < best.seq)) {
                    best = n;
                    bestGiven = i;
                }
            }
            if (best == null) {
                return false;
            }
            if (bestGiven < 0) {
                given.add(best);
                free.add(new long[] {
                    best.shape.cpuMillis() - best.usedCpu,
                    best.shape.memoryMillis() - best.usedMemory,
                    best.shape.gpus() - best.usedGpu,
                    best.shape.pods() - best.usedPods
                });
                bestGiven = given.size() - 1;
            }
            long[] f = free.get(bestGiven);
            f[0] -= p.cpu;
            f[1] -= p.memory;
            f[2] -= p.gpu;
            f[3] -= 1;
        }
        return true;
    }

    /** The first node in node order that accepts {@code pod} and is none of {@code given}, or null. */
    private SimNode firstUntouched(SimPod pod, List<SimNode> given) {
        if (pod.zone != null) {
            for (SimNode n : nodes) {
                if (n.acceptsPods() && n.fits(pod) && inZone(pod, n) && !given.contains(n)) {
                    return n;
                }
            }
            return null;
        }
        SimNode best = null;
        for (LoadBuckets.Bucket b : buckets.buckets()) {
            if (b.fits(pod)) {
                SimNode n = b.firstExcept(given);
                if (n != null && (best == null || n.seq < best.seq)) {
                    best = n;
                }
            }
        }
        return best;
    }

    /** Ends the run at {@code end}: nodes still there are billed up to it. */
    public void finish(long end) {
        for (SimNode n : nodes) {
            bill(n, end);
        }
        nodeSeries.extendTo(end);
        lastEventTime = end;
    }
}
