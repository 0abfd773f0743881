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
 * The simulated cluster of one policy run in virtual time: nodes of one shape, Job pods, a scheduler that acts like
 * the default kube-scheduler, the event queues (completions, timers) and the figures. Policies change it only through
 * its methods (launch, ready, taint, cordon, remove, evict). Single-threaded; memory grows with live pods and nodes.
 */
public final class SimCluster {
    /**
     * The scheduler's NodeResourcesFit scoring: the default kube-scheduler's LeastAllocated (pods spread), or
     * MostAllocated, the profile of the chart's packing scheduler (pods fill the busiest node that fits).
     */
    public enum Scoring { LEAST_ALLOCATED, MOST_ALLOCATED }

    private record Completion(long time, SimPod pod, int run) {
    }

    private record Timer(long time, long seq, Runnable action) {
    }

    public final NodeShape shape;
    private final Scoring scoring;
    private final SplittableRandom random;
    private final List<SimNode> nodes = new ArrayList<>();
    private final Map<String, SimNode> nodesByName = new HashMap<>();
    private final Map<String, SimNode> nodesByInstance = new HashMap<>();
    private final List<SimPod> pending = new ArrayList<>();
    private int firstUntried;
    private boolean capacityChanged;
    private final PriorityQueue<Completion> completions =
            new PriorityQueue<>((a, b) -> Long.compare(a.time, b.time));
    private final PriorityQueue<Timer> timers = new PriorityQueue<>((a, b) -> a.time != b.time
            ? Long.compare(a.time, b.time) : Long.compare(a.seq, b.seq));
    private long timerSeq;
    private long nodeSeq;
    private long running;

    // Figures.
    public final Series nodeSeries;
    public final LogHistogram waits = new LogHistogram();
    public double nodeMillis;
    public final double[] runResourceMillis = new double[4];
    long jobsSubmitted;
    public long jobsStarted;
    long jobsFinished;
    public long jobsInterrupted;
    public long interruptions;
    public long lostRunMillis;
    public long podsOnRemovedNodes;
    public int peakNodes;
    long lastEventTime;

    SimCluster(NodeShape shape, long seed, long seriesWidthMillis) {
        this(shape, Scoring.LEAST_ALLOCATED, seed, seriesWidthMillis);
    }

    public SimCluster(NodeShape shape, Scoring scoring, long seed, long seriesWidthMillis) {
        this.shape = shape;
        this.scoring = scoring;
        this.random = new SplittableRandom(seed);
        this.nodeSeries = new Series(seriesWidthMillis);
    }

    // ---- nodes -------------------------------------------------------------------------------------------

    /** A node whose instance was launched at {@code now}; it joins (Ready) at {@code readyAt} via a timer. */
    public SimNode launch(String instanceId, long now, long readyAt) {
        String id = instanceId != null ? instanceId : "i-" + Long.toHexString(0x10000000L + nodeSeq);
        SimNode node = new SimNode("node-" + (nodeSeq++), id, now, shape);
        node.readyAt = readyAt;
        nodes.add(node);
        nodesByName.put(node.name, node);
        nodesByInstance.put(node.instanceId, node);
        peakNodes = Math.max(peakNodes, nodes.size());
        nodeSeries.set(now, nodes.size());
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

    void ready(SimNode node) {
        node.ready = true;
        capacityChanged = true;
    }

    /** Removes the node at {@code now}; any Job pod still on it is evicted (and counted). */
    public void remove(SimNode node, long now) {
        if (node.removed) {
            return;
        }
        podsOnRemovedNodes += node.pods.size();
        for (SimPod pod : new ArrayList<>(node.pods)) {
            evict(pod, now);
        }
        node.removed = true;
        nodes.remove(node);
        nodesByName.remove(node.name);
        nodesByInstance.remove(node.instanceId);
        nodeMillis += now - node.launchedAt;
        nodeSeries.set(now, nodes.size());
    }

    public void setTaint(SimNode node, SimNode.Taint taint) {
        if (node.drainTaint != taint) {
            node.drainTaint = taint;
            capacityChanged = true;
        }
    }

    public void setCordoned(SimNode node, boolean cordoned) {
        if (node.cordoned != cordoned) {
            node.cordoned = cordoned;
            capacityChanged = true;
        }
    }

    public List<SimNode> nodes() {
        return nodes;
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

    public void submit(SimPod pod) {
        jobsSubmitted++;
        pending.add(pod);
    }

    /** The Job controller replaces an evicted pod; the new one starts from zero. */
    void evict(SimPod pod, long now) {
        SimNode node = pod.node;
        long ran = now - pod.startedAt;
        account(pod, ran);
        lostRunMillis += ran;
        interruptions++;
        if (pod.interruptions++ == 0) {
            jobsInterrupted++;
        }
        unbind(pod, node);
        pod.run++;
        pod.pendingSince = now;
        pending.add(pod);
    }

    private void unbind(SimPod pod, SimNode node) {
        node.pods.remove(pod);
        node.usedCpu -= pod.cpu;
        node.usedMemory -= pod.memory;
        node.usedGpu -= pod.gpu;
        node.usedPods--;
        pod.node = null;
        pod.info = null;
        running--;
        capacityChanged = true;
    }

    private void account(SimPod pod, long ran) {
        runResourceMillis[0] += (double) pod.cpu * ran;
        runResourceMillis[1] += (double) pod.memory * ran;
        runResourceMillis[2] += (double) pod.gpu * ran;
        runResourceMillis[3] += ran;
    }

    private void bind(SimPod pod, SimNode node, long now) {
        pod.node = node;
        pod.info = null;
        node.pods.add(pod);
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
        completions.add(new Completion(now + pod.duration, pod, pod.run));
    }

    // ---- events ------------------------------------------------------------------------------------------

    void at(long time, Runnable action) {
        timers.add(new Timer(time, timerSeq++, action));
    }

    /** The time of the next queued completion or timer, or Long.MAX_VALUE. */
    public long nextEventTime() {
        long t = Long.MAX_VALUE;
        Completion c = completions.peek();
        if (c != null) {
            t = c.time;
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
        while (!completions.isEmpty() && completions.peek().time <= now) {
            Completion c = completions.poll();
            SimPod pod = c.pod;
            if (pod.run != c.run || pod.node == null) {
                continue;
            }
            account(pod, c.time - pod.startedAt);
            unbind(pod, pod.node);
            jobsFinished++;
            waits.record(pod.waited);
            lastEventTime = Math.max(lastEventTime, c.time);
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
        for (SimNode n : nodes) {
            if (n.acceptsPods()) {
                maxCpu = Math.max(maxCpu, shape.cpuMillis() - n.usedCpu);
                maxMemory = Math.max(maxMemory, shape.memoryMillis() - n.usedMemory);
                maxGpu = Math.max(maxGpu, shape.gpus() - n.usedGpu);
                maxPods = Math.max(maxPods, shape.pods() - n.usedPods);
            }
        }
        int kept = from;
        for (int i = from; i < pending.size(); i++) {
            SimPod pod = pending.get(i);
            SimNode best = null;
            if (pod.cpu <= maxCpu && pod.memory <= maxMemory && pod.gpu <= maxGpu && maxPods >= 1) {
                best = pick(pod);
            }
            if (best != null) {
                bind(pod, best, now);
            } else {
                pending.set(kept++, pod);
            }
        }
        pending.subList(kept, pending.size()).clear();
        firstUntried = pending.size();
    }

    private SimNode pick(SimPod pod) {
        SimNode best = null;
        boolean bestPrefer = true;
        double bestScore = -1;
        int ties = 0;
        for (SimNode n : nodes) {
            if (!n.acceptsPods() || !n.fits(pod, shape)) {
                continue;
            }
            boolean prefer = n.drainTaint == SimNode.Taint.PREFER_NO_SCHEDULE;
            double score = score(scoring, shape, n, pod);
            if (best == null || (bestPrefer && !prefer) || (prefer == bestPrefer && score > bestScore)) {
                best = n;
                bestPrefer = prefer;
                bestScore = score;
                ties = 1;
            } else if (prefer == bestPrefer && score == bestScore && random.nextInt(++ties) == 0) {
                best = n;
            }
        }
        return best;
    }

    /**
     * NodeResourcesFit's score of binding {@code pod} to {@code node}, cpu and memory weighted 1 each (its default
     * resources): LeastAllocated, the mean free share after binding; MostAllocated, the mean requested share after
     * binding (DaemonSets included, as the real scheduler counts every pod). Higher wins. Exact rather than the real
     * plugin's 0-100 integers, so ties are rarer than in a cluster.
     */
    static double score(Scoring scoring, NodeShape shape, SimNode node, SimPod pod) {
        double cpuCap = shape.cpuMillis();
        double memCap = shape.memoryMillis();
        // Each written out rather than one as 1 - the other: the same rounding, so the same ties, as before.
        return scoring == Scoring.MOST_ALLOCATED
                ? ((node.usedCpu + pod.cpu) / cpuCap + (node.usedMemory + pod.memory) / memCap) / 2
                : ((cpuCap - node.usedCpu - pod.cpu) / cpuCap + (memCap - node.usedMemory - pod.memory) / memCap) / 2;
    }

    /** Ends the run at {@code end}: nodes still there are billed up to it. */
    public void finish(long end) {
        for (SimNode n : nodes) {
            nodeMillis += end - n.launchedAt;
        }
        nodeSeries.extendTo(end);
        lastEventTime = end;
    }
}
