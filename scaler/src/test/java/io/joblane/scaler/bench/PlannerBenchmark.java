package io.joblane.scaler.bench;

import static io.joblane.model.Quantity.GI;

import io.joblane.model.WellKnown;
import io.joblane.model.config.Taint;
import io.joblane.scaler.cloud.CloudGroup;
import io.joblane.scaler.cloud.CloudInstance;
import io.joblane.scaler.cloud.InstanceList;
import io.joblane.scaler.cloud.LifecycleState;
import io.joblane.scaler.plan.ClusterSnapshot;
import io.joblane.scaler.plan.DaemonSetInfo;
import io.joblane.scaler.plan.DrainState;
import io.joblane.scaler.plan.GroupPlan;
import io.joblane.scaler.plan.GroupSpec;
import io.joblane.scaler.plan.NodeEdits;
import io.joblane.scaler.plan.NodeInfo;
import io.joblane.scaler.plan.NodePods;
import io.joblane.scaler.plan.Planner;
import io.joblane.scaler.plan.PodConstraints;
import io.joblane.scaler.plan.PodInfo;
import io.joblane.scaler.plan.PodPhase;
import io.joblane.scaler.plan.Resources;
import io.joblane.scaler.plan.SnapshotIndex;
import io.joblane.scaler.plan.Toleration;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * One planning pass of a group: {@code pending} waiting Job pods onto {@code nodes} busy nodes (16 cpu / 64Gi / 110
 * pods, each running 0-8 Job pods of mixed sizes), with a DaemonSet overhead, some draining nodes and capacity on its
 * way. Target: under 100 ms for 20,000 pods onto 2,000 nodes. Run it as described in {@code scaler/DESIGN.md}
 * ("Benchmark"); {@link #main} prints JMH's table.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class PlannerBenchmark {
    static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

    @Param({"20000"})
    public int pending;

    @Param({"2000"})
    public int nodes;

    private GroupSpec spec;
    private ClusterSnapshot snapshot;
    private SnapshotIndex index;
    private SnapshotIndex steadyIndex;
    private CloudGroup cloud;
    /** The last description {@link #indexAndPlanAfterAFewNodesChangedAndAnInstance} handed, and its next change. */
    private CloudGroup churned;

    private int churnedAt;
    private CloudInstance[] churnedItems;
    /** A scan's snapshot with the pods node by node, the index of it, and the next scan's: 1% of nodes changed. */
    private SnapshotIndex byNodeIndex;

    private ClusterSnapshot nextByNode;
    private ClusterSnapshot nextByNodeWithEdits;
    /**
     * Two scans of the busy nodes without waiting pods, the pods node by node, one without the node a quarter of the
     * way in: passes alternate between them, so at each one a node left or came back and moved the positions of every
     * node after it, as nodes come and go on a busy group (RICC: about two a pass); the last index is handed on.
     */
    private ClusterSnapshot withAll;

    private ClusterSnapshot withOneGone;
    private SnapshotIndex lastChurnIndex;
    private boolean oneGone;
    /** The same two scans handing their edits (as the simulator's snapshots do), and their own last index. */
    private ClusterSnapshot withAllEdited;

    private ClusterSnapshot withOneGoneEdited;
    private SnapshotIndex lastEditedIndex;
    private boolean oneGoneEdited;
    /**
     * Two scans of the busy nodes without waiting pods, handing their edits, the pods of 1% of the nodes changed from
     * one to the other and back: no node comes or goes, as in three passes of four over RICC; the last index is
     * handed on. What a pass still pays for every node when few changed (issue 14, the redesign's yardstick).
     */
    private ClusterSnapshot steadyScan;

    private ClusterSnapshot steadyScanChanged;
    private SnapshotIndex lastSteadyIndex;
    private boolean steadyChanged;

    @Setup
    public void setUp() {
        Random rnd = new Random(42);
        Resources shape = Resources.ofMillis(Map.of("cpu", 16_000L, "memory", 64 * GI, "pods", 110_000L));
        spec = new GroupSpec(
                "batch",
                "asg-batch",
                0,
                100_000,
                shape,
                Duration.ofMinutes(10),
                2,
                Duration.ofMinutes(15),
                Duration.ofSeconds(30),
                Map.of(WellKnown.NODE_GROUP_LABEL, "batch"),
                List.of(new Taint(WellKnown.DEDICATED_TAINT, "batch", "NoSchedule")),
                false,
                Duration.ofSeconds(90),
                false);
        List<NodeInfo> ns = new ArrayList<>(nodes);
        List<PodInfo> ps = new ArrayList<>();
        List<CloudInstance> instances = new ArrayList<>();
        for (int n = 0; n < nodes; n++) {
            String name = "ip-10-0-" + (n / 250) + "-" + (n % 250) + ".ec2.internal";
            String id = String.format("i-%017x", n);
            DrainState drain = n % 97 == 0 ? DrainState.NO_SCHEDULE : DrainState.NONE;
            boolean ready = n % 211 != 0; // a few still booting
            ns.add(new NodeInfo(
                    name,
                    "batch",
                    id,
                    shape,
                    ready,
                    NOW.minusSeconds(3600 + n),
                    false,
                    false,
                    drain,
                    false,
                    null,
                    null,
                    drain == DrainState.NONE ? null : NOW.minusSeconds(60),
                    null,
                    null,
                    null,
                    null,
                    Map.of(),
                    List.of()));
            instances.add(
                    new CloudInstance(id, "us-east-1a", LifecycleState.IN_SERVICE, true, true, NOW.minusSeconds(4000)));
            int running = rnd.nextInt(9);
            for (int k = 0; k < running; k++) {
                ps.add(pod("run-" + n + "-" + k, rnd, PodPhase.RUNNING, name));
            }
        }
        for (int p = 0; p < pending; p++) {
            ps.add(pod("wait-" + p, rnd, PodPhase.PENDING_UNSCHEDULABLE, null));
        }
        List<DaemonSetInfo> ds = List.of(new DaemonSetInfo(
                "kube-system",
                "aws-node",
                Resources.ofMillis(Map.of("cpu", 250L, "memory", GI / 4)),
                Map.of(),
                List.of(new Toleration("", "Exists", null, null))));
        List<PodInfo> running =
                ps.stream().filter(p -> p.phase() == PodPhase.RUNNING).toList();
        steadyIndex = new SnapshotIndex(new ClusterSnapshot(NOW, ns, running, ds));
        snapshot = new ClusterSnapshot(NOW, ns, ps, ds);
        index = new SnapshotIndex(snapshot);
        cloud = new CloudGroup("asg-batch", nodes + 10, 0, 100_000, instances, List.of(), false);
        churnedItems = instances.toArray(new CloudInstance[0]);
        churned = new CloudGroup(
                cloud.id(), cloud.desired(), 0, 100_000, InstanceList.of(churnedItems.clone()), List.of(), false);
        nextScans(ns, ps, ds, rnd);
        churnScans(ns, ps, ds);
        steadyScans(ds, rnd);
        Planner.plan(spec, index, cloud, NOW); // the loads the next scan's index keeps
    }

    /**
     * The pods handed node by node, as the adapters hand them, and a next scan in which the pods of 1% of the nodes
     * changed (about what changes between two scans of RICC's head: 1.7%), with and without the edits that say so.
     */
    private void nextScans(List<NodeInfo> ns, List<PodInfo> ps, List<DaemonSetInfo> ds, Random rnd) {
        Map<String, List<PodInfo>> byNode = new java.util.HashMap<>();
        List<PodInfo> waiting = new ArrayList<>();
        for (PodInfo p : ps) {
            if (p.nodeName() == null) {
                waiting.add(p);
            } else {
                byNode.computeIfAbsent(p.nodeName(), n -> new ArrayList<>()).add(p);
            }
        }
        List<List<PodInfo>> ofNodes = new ArrayList<>();
        ns.forEach(n -> ofNodes.add(new NodePods(byNode.getOrDefault(n.name(), List.of()))));
        List<NodeInfo> first = new ArrayList<>(ns);
        NodeEdits.Log log = new NodeEdits.Log();
        log.handOver(first);
        byNodeIndex = new SnapshotIndex(new ClusterSnapshot(NOW, first, waiting, ds, List.copyOf(ofNodes)));
        List<List<PodInfo>> nextOfNodes = new ArrayList<>(ofNodes);
        changeOnePercent(nextOfNodes, ns, log, rnd, "new-");
        List<NodeInfo> next = new ArrayList<>(ns);
        NodeEdits edits = log.handOver(next);
        nextByNode = new ClusterSnapshot(NOW, next, waiting, ds, List.copyOf(nextOfNodes));
        nextByNodeWithEdits = new ClusterSnapshot(NOW, next, waiting, ds, List.copyOf(nextOfNodes), edits);
    }

    private void churnScans(List<NodeInfo> ns, List<PodInfo> ps, List<DaemonSetInfo> ds) {
        Map<String, List<PodInfo>> byNode = new java.util.HashMap<>();
        ps.stream()
                .filter(p -> p.nodeName() != null)
                .forEach(p -> byNode.computeIfAbsent(p.nodeName(), n -> new ArrayList<>())
                        .add(p));
        List<List<PodInfo>> ofNodes = new ArrayList<>();
        ns.forEach(n -> ofNodes.add(new NodePods(byNode.getOrDefault(n.name(), List.of()))));
        List<NodeInfo> fewer = new ArrayList<>(ns);
        List<List<PodInfo>> ofFewer = new ArrayList<>(ofNodes);
        fewer.remove(nodes / 4);
        ofFewer.remove(nodes / 4);
        List<NodeInfo> all = List.copyOf(ns);
        fewer = List.copyOf(fewer);
        withAll = new ClusterSnapshot(NOW, all, List.of(), ds, List.copyOf(ofNodes));
        withOneGone = new ClusterSnapshot(NOW, fewer, List.of(), ds, List.copyOf(ofFewer));
        lastChurnIndex = new SnapshotIndex(withAll);
        Planner.plan(spec, lastChurnIndex, cloud, NOW);
        NodeEdits.Log log = new NodeEdits.Log();
        log.handOver(all);
        log.deleted(nodes / 4);
        NodeEdits gone = log.handOver(fewer);
        log.inserted(nodes / 4);
        NodeEdits back = log.handOver(all);
        withAllEdited = new ClusterSnapshot(NOW, all, List.of(), ds, withAll.podsOfNodes(), back);
        withOneGoneEdited = new ClusterSnapshot(NOW, fewer, List.of(), ds, withOneGone.podsOfNodes(), gone);
        lastEditedIndex = new SnapshotIndex(withAll);
        Planner.plan(spec, lastEditedIndex, cloud, NOW);
    }

    /** One running pod more on 1% of the nodes (a new pods' list each, logged as changed). */
    private void changeOnePercent(
            List<List<PodInfo>> ofNodes, List<NodeInfo> on, NodeEdits.Log log, Random rnd, String prefix) {
        for (int k = 0; k < nodes / 100; k++) {
            int at = rnd.nextInt(nodes);
            List<PodInfo> pods = new ArrayList<>(ofNodes.get(at));
            pods.add(pod(prefix + k, rnd, PodPhase.RUNNING, on.get(at).name()));
            ofNodes.set(at, new NodePods(pods));
            log.changed(at);
        }
    }

    private void steadyScans(List<DaemonSetInfo> ds, Random rnd) {
        List<NodeInfo> all = withAll.nodes(); // the list the first index is made of: every pass then takes the edits
        List<List<PodInfo>> ofNodes = withAll.podsOfNodes();
        List<List<PodInfo>> changed = new ArrayList<>(ofNodes);
        NodeEdits.Log log = new NodeEdits.Log();
        log.handOver(all);
        changeOnePercent(changed, all, log, rnd, "steady-");
        NodeEdits there = log.handOver(all);
        for (int at = 0; at < nodes; at++) {
            if (changed.get(at) != ofNodes.get(at)) {
                log.changed(at);
            }
        }
        NodeEdits back = log.handOver(all);
        steadyScanChanged = new ClusterSnapshot(NOW, all, List.of(), ds, List.copyOf(changed), there);
        steadyScan = new ClusterSnapshot(NOW, all, List.of(), ds, ofNodes, back);
        lastSteadyIndex = new SnapshotIndex(withAll);
        Planner.plan(spec, lastSteadyIndex, cloud, NOW);
    }

    private static PodInfo pod(String name, Random rnd, PodPhase phase, String node) {
        // A mix like real batch work: many small pods, some medium, a few large.
        int kind = rnd.nextInt(10);
        long cpu = kind < 6
                ? 250L * (1 + rnd.nextInt(4))
                : kind < 9 ? 1000L * (1 + rnd.nextInt(4)) : 4000L * (1 + rnd.nextInt(3));
        long mem = cpu * (1 + rnd.nextInt(6)) * GI / 1000;
        return new PodInfo(
                "uid-" + name,
                "jobs",
                name,
                "batch",
                Resources.ofMillis(Map.of("cpu", cpu, "memory", mem)),
                phase,
                true,
                false,
                false,
                node,
                NOW.minusSeconds(rnd.nextInt(3600)),
                node == null ? null : NOW.minusSeconds(rnd.nextInt(3600)),
                null,
                Map.of(),
                PodConstraints.NONE);
    }

    /** The planner alone, on an index built once. */
    @Benchmark
    public GroupPlan plan() {
        return Planner.plan(spec, index, cloud, NOW);
    }

    /** What a scan pays in total for the group: index the snapshot, then plan. */
    @Benchmark
    public GroupPlan indexAndPlan() {
        return Planner.plan(spec, new SnapshotIndex(snapshot), cloud, NOW);
    }

    /**
     * A scan after one that saw the same pods (the last index passed on): every node keeps its load, so its summed
     * requests and drain keys are not computed again.
     */
    @Benchmark
    public GroupPlan indexAndPlanAfterAScan() {
        return Planner.plan(spec, new SnapshotIndex(snapshot, Map.of(), index), cloud, NOW);
    }

    /** The index of a scan after one whose index is kept, 1% of the nodes' pods changed: nodes matched by a walk. */
    @Benchmark
    public SnapshotIndex indexAfterAScanMatched() {
        return new SnapshotIndex(nextByNode, Map.of(), byNodeIndex);
    }

    /** The same, the snapshot handing its edits: the untouched nodes' facts copied run by run. */
    @Benchmark
    public SnapshotIndex indexAfterAScanWithEdits() {
        return new SnapshotIndex(nextByNodeWithEdits, Map.of(), byNodeIndex);
    }

    /**
     * A scan's index and pass after one whose index is kept, no pod waiting, one node gone or back (positions after it
     * moved): what the kept facts of each step cost when nodes come and go.
     */
    @Benchmark
    public GroupPlan indexAndPlanAfterANodeLeftOrCameBack() {
        oneGone = !oneGone;
        lastChurnIndex = new SnapshotIndex(oneGone ? withOneGone : withAll, Map.of(), lastChurnIndex);
        return Planner.plan(spec, lastChurnIndex, cloud, NOW);
    }

    /** The same, the snapshots handing their edits: the index copies untouched nodes' facts run by run. */
    @Benchmark
    public GroupPlan indexAndPlanAfterANodeLeftOrCameBackWithEdits() {
        oneGoneEdited = !oneGoneEdited;
        lastEditedIndex =
                new SnapshotIndex(oneGoneEdited ? withOneGoneEdited : withAllEdited, Map.of(), lastEditedIndex);
        return Planner.plan(spec, lastEditedIndex, cloud, NOW);
    }

    /** A scan's index and pass after a kept one, no pod waiting, no node moved, 1% of the nodes' pods changed. */
    @Benchmark
    public GroupPlan indexAndPlanAfterAFewNodesChangedWithEdits() {
        steadyChanged = !steadyChanged;
        lastSteadyIndex = new SnapshotIndex(steadyChanged ? steadyScanChanged : steadyScan, Map.of(), lastSteadyIndex);
        return Planner.plan(spec, lastSteadyIndex, cloud, NOW);
    }

    /**
     * The same, each scan's description a new list that says how it came from the last ({@link InstanceList}): one
     * instance's object replaced by an equal one (a cloud adapter reads every instance afresh; whatever was kept for
     * the old object must be found again), as a busy group's description churns at nearly every scan.
     */
    @Benchmark
    public GroupPlan indexAndPlanAfterAFewNodesChangedAndAnInstance() {
        steadyChanged = !steadyChanged;
        lastSteadyIndex = new SnapshotIndex(steadyChanged ? steadyScanChanged : steadyScan, Map.of(), lastSteadyIndex);
        return Planner.plan(spec, lastSteadyIndex, nextDescription(), NOW);
    }

    /** The last description with the instance at {@link #churnedAt} replaced by a new object of its id. */
    private CloudGroup nextDescription() {
        List<CloudInstance> last = churned.instances();
        CloudInstance was = last.get(churnedAt);
        CloudInstance now = new CloudInstance(
                was.id(), was.zone(), was.state(), was.healthy(), was.protectedFromScaleIn(), was.launchTime());
        CloudInstance[] items = churnedItems.clone();
        items[churnedAt] = now;
        churnedItems = items;
        churnedAt = (churnedAt + 7919) % items.length; // another node's instance at the next scan
        InstanceList list = InstanceList.edited(items, last, List.of(now), List.of(was));
        churned = new CloudGroup(cloud.id(), cloud.desired(), cloud.min(), cloud.max(), list, List.of(), false);
        return churned;
    }

    /** No pod waits: the pass that chooses nodes to drain and empty nodes to remove. */
    @Benchmark
    public GroupPlan packAndScaleIn() {
        return Planner.plan(spec, steadyIndex, cloud, NOW);
    }

    /** Runs the benchmark; JMH arguments (e.g. {@code -p pending=50000 -f 0}) override the defaults. */
    public static void main(String[] args) throws Exception {
        Options opts = new OptionsBuilder()
                .parent(new org.openjdk.jmh.runner.options.CommandLineOptions(args))
                .include(PlannerBenchmark.class.getSimpleName())
                .build();
        new Runner(opts).run();
    }
}
