package io.joblane.scaler.loop;

import static io.joblane.scaler.plan.Fixtures.GI;
import static io.joblane.scaler.plan.Fixtures.T0;
import static io.joblane.scaler.plan.Fixtures.res;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.joblane.model.config.ConfigLoader;
import io.joblane.model.config.JoblaneConfig;
import io.joblane.scaler.cloud.CloudException;
import io.joblane.scaler.cloud.CloudGroup;
import io.joblane.scaler.cloud.CloudInstance;
import io.joblane.scaler.cloud.fake.FakeNodeGroupProvider;
import io.joblane.scaler.plan.DaemonSetInfo;
import io.joblane.scaler.plan.DrainState;
import io.joblane.scaler.plan.PodPhase;
import io.joblane.scaler.plan.Resources;
import io.joblane.scaler.plan.Toleration;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.slf4j.LoggerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random clusters and random sequences of Job arrivals and completions, driven through the real loop, planner and
 * in-memory cloud with a simple scheduler and random cloud failures. After every step: no node with a blocking pod
 * was terminated, desired was only ever raised by setDesiredCapacity, and no waiting pod that fits the group waits
 * without a node coming for it. Reproduce one seed with {@code -Djoblane.seed=N}; widen with
 * {@code -Djoblane.seeds=500}.
 */
class NeverInterruptPropertyTest {
    private static final Duration STEP = Duration.ofSeconds(10);
    private static final int STEPS = 720; // 120 virtual minutes
    /** Steps a fitting pod may wait with no capacity coming (the planner may lag the scheduler by a scan). */
    private static final int PATIENCE = 4;

    /**
     * Scale-in must really be exercised: over the default 24 seeds the loop terminates at least this many busy-looking
     * nodes' instances (measured: 43 over 23 seeds; the threshold scales with -Djoblane.seeds).
     */
    private static final int MIN_TERMINATIONS = 20;
    private static final AtomicInteger TERMINATIONS = new AtomicInteger();
    private static final AtomicInteger SEEDS_RUN = new AtomicInteger();

    private static Level loopLevel;

    /** The loop logs every action and every injected failure; thousands of scans would drown the build log. */
    @BeforeAll
    static void quietLoop() {
        Logger loop = (Logger) LoggerFactory.getLogger("io.joblane.scaler.loop");
        loopLevel = loop.getLevel();
        loop.setLevel(Level.ERROR);
    }

    @AfterAll
    static void restoreLoop() {
        ((Logger) LoggerFactory.getLogger("io.joblane.scaler.loop")).setLevel(loopLevel);
    }

    @AfterAll
    static void scaleInWasExercised() {
        System.out.println("NeverInterruptPropertyTest: " + TERMINATIONS.get() + " terminations over "
                + SEEDS_RUN.get() + " seeds");
        if (System.getProperty("joblane.seed") == null && SEEDS_RUN.get() >= 24) {
            // Guards against a property test that passes because it never scales in.
            if (TERMINATIONS.get() < MIN_TERMINATIONS * SEEDS_RUN.get() / 24) {
                throw new AssertionError("only " + TERMINATIONS.get() + " terminations over " + SEEDS_RUN.get()
                        + " seeds: scale-in is not exercised");
            }
        }
    }

    static LongStream seeds() {
        String one = System.getProperty("joblane.seed");
        if (one != null) {
            return LongStream.of(Long.parseLong(one));
        }
        return LongStream.range(1, 1 + Long.getLong("joblane.seeds", 24));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void neverInterruptsAJobAndNeverLeavesAFittingPodWithoutCapacity(long seed) throws Exception {
        try {
            Run run = new Run(seed);
            run.run();
            SEEDS_RUN.incrementAndGet();
            TERMINATIONS.addAndGet(run.terminations);
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("property failed for seed " + seed + " (rerun with -Djoblane.seed=" + seed
                    + " -Dtest=NeverInterruptPropertyTest): " + e.getMessage(), e);
        }
    }

    private static final class Run {
        final long seed;
        final Random rnd;
        final MutableClock clock = new MutableClock(T0);
        final FakeCluster cluster = new FakeCluster(clock);
        final FakeNodeGroupProvider cloud = new FakeNodeGroupProvider(clock);
        final Map<String, Instant> endsAt = new HashMap<>();
        final Map<String, Integer> unserved = new HashMap<>();
        final Resources shape;
        final Resources overhead;
        final int max;
        ScaleLoop loop;
        int terminations;
        int nextPod;
        boolean launchFailing;

        Run(long seed) {
            this.seed = seed;
            this.rnd = new Random(seed);
            long cpu = 2000L * (1 + rnd.nextInt(8));
            long mem = GI * 4 * (2 + rnd.nextInt(15));
            this.shape = res("cpu", cpu, "memory", mem, "pods", 1000L * (8 + rnd.nextInt(100)));
            this.overhead = rnd.nextBoolean() ? res("cpu", 100 + rnd.nextInt(400), "memory", GI / 4) : Resources.ZERO;
            this.max = 3 + rnd.nextInt(25);
        }

        void run() throws Exception {
            int min = rnd.nextInt(3);
            String yaml = """
                    nodeGroups:
                      - name: batch
                        default: true
                        taints: [{key: joblane.io/dedicated, value: batch, effect: NoSchedule}]
                        scaling:
                          provider: memory
                          minNodes: %d
                          maxNodes: %d
                          node: {cpu: "%dm", memory: "%d", pods: "%d"}
                          scaleDownDelay: %ds
                          maxDraining: %d
                          bootDelay: %ds
                    scaler:
                      settleDelay: %ds
                    """.formatted(min, max, shape.get("cpu"), shape.get("memory") / 1000, shape.get("pods") / 1000,
                    30 + rnd.nextInt(600), 1 + rnd.nextInt(3), 20 + rnd.nextInt(160), 10 * (1 + rnd.nextInt(6)));
            JoblaneConfig config = ConfigLoader.parse(yaml, "seed " + seed);
            if (!overhead.isZero()) {
                cluster.daemonSets.add(new DaemonSetInfo("kube-system", "agent", overhead, Map.of(),
                        List.of(new Toleration("", "Exists", null, null))));
            }
            cluster.mapCloudGroup("batch", "batch", shape);
            cloud.addGroup("batch", 0, max + rnd.nextInt(3), 0,
                    config.group("batch").orElseThrow().scaling().bootDelayDuration());
            cloud.addListener(cluster);
            cloud.addListener(new FakeNodeGroupProvider.Listener() {
                @Override
                public void terminated(String groupId, CloudInstance instance) {
                    terminations++;
                }
            });
            // Like the real cache: pods without the group label are invisible, and a snapshot may lag a scan.
            cluster.labelFiltered = rnd.nextBoolean();
            double stale = rnd.nextInt(3) == 0 ? 0.15 : 0;
            cluster.serveStale = () -> rnd.nextDouble() < stale;
            // Some nodes register late (some after the instance counts as unregistered), some without providerID.
            boolean late = rnd.nextInt(3) == 0;
            boolean noProviderId = rnd.nextInt(4) == 0;
            cluster.registrationDelay = id -> late && rnd.nextInt(5) == 0
                    ? Duration.ofMinutes(1 + rnd.nextInt(40)) : Duration.ZERO;
            cluster.withoutProviderId = id -> noProviderId && rnd.nextInt(6) == 0;
            // Sometimes a pod is bound between the cache snapshot and the live re-check.
            cluster.beforeNodeCheck = node -> {
                if (cluster.nodes.containsKey(node) && rnd.nextInt(5) == 0) {
                    strayPodOn(node);
                }
            };
            loop = new ScaleLoop(config, cluster, Map.of("batch", cloud), clock, ScalerMetrics.NOOP, false);

            double arrivalRate = 0.05 + rnd.nextDouble() * 0.6;
            for (int step = 0; step < STEPS; step++) {
                clock.advance(STEP);
                finishJobs();
                // Bursts and quiet periods: the second half thins out so scale-in is exercised.
                double rate = step < STEPS / 2 ? arrivalRate : step < STEPS * 2 / 3 ? arrivalRate / 6 : 0;
                while (rnd.nextDouble() < rate) {
                    arrive();
                }
                if (rnd.nextDouble() < 0.02) {
                    strayPod();
                }
                if (rnd.nextDouble() < 0.03) {
                    injectCloudFailure();
                }
                if (rnd.nextDouble() < 0.004) {
                    launchFailing = !launchFailing; // an out-of-capacity zone comes and goes
                    cloud.setLaunchFailing("batch", launchFailing);
                }
                schedule();
                int desiredBefore = cloud.peek("batch").desired();
                long callsBefore = cloud.callCount();
                loop.runOnce();
                check(step, desiredBefore, callsBefore);
            }
        }

        void finishJobs() {
            Instant now = clock.instant();
            for (FakeCluster.Pod p : cluster.pods.values()) {
                Instant end = endsAt.get(p.name);
                if (p.phase == PodPhase.PENDING_BOUND && rnd.nextBoolean()) {
                    p.phase = PodPhase.RUNNING; // bound pods start after pulling images
                } else if (p.phase == PodPhase.RUNNING && end != null && !now.isBefore(end)) {
                    if (rnd.nextInt(3) == 0) {
                        p.phase = PodPhase.TERMINATING; // a slow shutdown still holds the node
                        endsAt.put(p.name, now.plus(Duration.ofSeconds(10 + rnd.nextInt(120))));
                    } else {
                        p.phase = PodPhase.FINISHED;
                    }
                } else if (p.phase == PodPhase.TERMINATING && end != null && !now.isBefore(end)) {
                    p.phase = PodPhase.FINISHED;
                }
            }
            cluster.pods.values().removeIf(p -> p.phase == PodPhase.FINISHED && rnd.nextInt(4) == 0);
        }

        void arrive() {
            long cpu = 100L * (1 + rnd.nextInt((int) (shape.get("cpu") / 100)));
            long mem = GI / 4 * (1 + rnd.nextInt((int) (shape.get("memory") / (GI / 4))));
            if (rnd.nextInt(40) == 0) {
                cpu = shape.get("cpu") + 1000; // never fits
            }
            int count = 1 + (rnd.nextInt(5) == 0 ? rnd.nextInt(12) : 0);
            for (int i = 0; i < count; i++) {
                String name = "job-" + (nextPod++);
                FakeCluster.Pod p = cluster.addPod(new FakeCluster.Pod(name, "batch", res("cpu", cpu, "memory", mem),
                        true, clock.instant()));
                p.phase = PodPhase.PENDING_SCHEDULING;
                p.daemonSetOwner = rnd.nextInt(10) == 0; // a Job pod that also claims a DaemonSet owner
                endsAt.put(name, null);
            }
        }

        /** A pod bound straight to a node by name (bypassing taints and cordons), as kubectl or a controller might. */
        void strayPod() {
            List<FakeCluster.Node> ns = new ArrayList<>(cluster.nodes.values());
            if (ns.isEmpty()) {
                return;
            }
            List<FakeCluster.Node> cordoned = ns.stream().filter(n -> n.unschedulable).toList();
            // Half of them land on a cordoned node: what the last-moment checks are there for.
            List<FakeCluster.Node> from = cordoned.isEmpty() || rnd.nextBoolean() ? ns : cordoned;
            strayPodOn(from.get(rnd.nextInt(from.size())).name);
        }

        void strayPodOn(String node) {
            String name = "stray-" + (nextPod++);
            FakeCluster.Pod p = cluster.addPod(new FakeCluster.Pod(name, null, res("cpu", 10, "memory", GI / 64), false,
                    clock.instant()));
            p.node = node;
            p.phase = PodPhase.RUNNING;
            p.started = clock.instant();
            endsAt.put(name, clock.instant().plus(Duration.ofSeconds(30 + rnd.nextInt(600))));
        }

        void injectCloudFailure() {
            String[] ops = {FakeNodeGroupProvider.DESCRIBE, FakeNodeGroupProvider.SET_DESIRED,
                    FakeNodeGroupProvider.TERMINATE, FakeNodeGroupProvider.PROTECT};
            CloudException.Kind kind = CloudException.Kind.values()[rnd.nextInt(3)];
            String op = ops[rnd.nextInt(ops.length)];
            CloudException failure = new CloudException(kind, "Injected" + kind, "seeded failure");
            if (!op.equals(FakeNodeGroupProvider.DESCRIBE) && rnd.nextBoolean()) {
                cloud.failNextAfterActing(op, failure); // the call took effect but its answer says it failed
            } else {
                cloud.failNext(op, failure);
            }
        }

        /** Free capacity (after DaemonSet overhead and bound pods) and free pod slots of every node. */
        Map<String, Resources> freeByNode(Map<String, Long> slots) {
            Map<String, Resources> free = new HashMap<>();
            for (FakeCluster.Node n : cluster.nodes.values()) {
                free.put(n.name, n.allocatable.minus(overhead));
                slots.put(n.name, n.allocatable.get("pods") / 1000 - (overhead.isZero() ? 0 : 1));
            }
            for (FakeCluster.Pod q : cluster.pods.values()) {
                if (q.node != null && FakeCluster.occupies(q.phase) && free.containsKey(q.node)) {
                    free.put(q.node, free.get(q.node).minus(q.requests));
                    slots.merge(q.node, -1L, Long::sum);
                }
            }
            return free;
        }

        /** A minimal kube-scheduler: fit and taints, PreferNoSchedule avoided when possible, least allocated wins. */
        void schedule() {
            Map<String, Long> slots = new HashMap<>();
            Map<String, Resources> free = freeByNode(slots);
            for (FakeCluster.Pod p : cluster.pods.values()) {
                if (p.node != null || p.phase == PodPhase.FINISHED) {
                    continue;
                }
                FakeCluster.Node best = null;
                double bestScore = -1e9;
                for (FakeCluster.Node n : cluster.nodes.values()) {
                    if (!n.ready || n.unschedulable || n.drain == DrainState.NO_SCHEDULE || !n.group.equals(p.group)) {
                        continue;
                    }
                    if (slots.get(n.name) < 1 || !p.requests.fitsIn(free.get(n.name))) {
                        continue;
                    }
                    double score = (double) free.get(n.name).get("cpu") / n.allocatable.get("cpu")
                            + (n.drain == DrainState.PREFER_NO_SCHEDULE ? -10 : 0);
                    if (score > bestScore) {
                        bestScore = score;
                        best = n;
                    }
                }
                if (best == null) {
                    p.phase = PodPhase.PENDING_UNSCHEDULABLE;
                } else {
                    cluster.bind(p.name, best.name);
                    if (rnd.nextInt(3) == 0) {
                        p.phase = PodPhase.PENDING_BOUND;
                    }
                    free.put(best.name, free.get(best.name).minus(p.requests));
                    slots.merge(best.name, -1L, Long::sum);
                    endsAt.put(p.name, clock.instant().plus(Duration.ofSeconds(30 + rnd.nextInt(2400))));
                }
            }
        }

        void check(int step, int desiredBefore, long callsBefore) {
            String where = "seed " + seed + ", step " + step + " (" + clock.instant() + "): ";
            if (!cluster.violations.isEmpty()) {
                throw new AssertionError(where + "a busy node was terminated: " + cluster.violations);
            }
            for (FakeNodeGroupProvider.Call c : cloud.callsSince(callsBefore)) {
                if (c.operation().equals(FakeNodeGroupProvider.SET_DESIRED)) {
                    int to = Integer.parseInt(c.detail().substring("desired=".length()));
                    if (to < desiredBefore) {
                        throw new AssertionError(where + "desired lowered from " + desiredBefore + " to " + to
                                + ": the cloud would pick the victim");
                    }
                }
            }
            CloudGroup g = cloud.peek("batch");
            int cap = Math.min(max, g.max());
            long readyNodes = cluster.nodes.values().stream().filter(n -> n.ready).count();
            GroupStatus status = loop.lastResult().groups().get("batch");
            boolean backingOff = status.backoffUntil() != null && clock.instant().isBefore(status.backoffUntil());
            // Waiting is the designed outcome at the max, and while launches fail (the group backs off).
            // A scan on a stale snapshot, or one whose cloud call failed, is a scan the pod may lose.
            // Known weakness: an instance whose node shows no providerID also counts as incoming capacity until the
            // registration timeout, so scale-out for that group can lag meanwhile (liveness, not safety).
            boolean excused = cluster.lastSnapshotStale || !status.problems().isEmpty()
                    || cluster.nodes.values().stream().anyMatch(n -> n.noProviderId)
                    // Known weakness: pods without the group label are not in the cache, so the planner may count
                    // their room as free and wait for a node that never has room.
                    || cluster.labelFiltered && cluster.pods.values().stream()
                            .anyMatch(q -> q.group == null && q.node != null && q.phase.holdsNode());
            boolean capacityComing = g.desired() > readyNodes || g.desired() >= cap || launchFailing || backingOff;
            Resources empty = shape.minus(overhead);
            Map<String, Resources> free = null;
            for (FakeCluster.Pod p : cluster.pods.values()) {
                if (p.phase != PodPhase.PENDING_UNSCHEDULABLE || !p.requests.fitsIn(empty)) {
                    unserved.remove(p.name);
                    continue;
                }
                if (!capacityComing && free == null) {
                    free = freeByNode(new HashMap<>());
                }
                if (capacityComing || fitsSomewhereSchedulable(p, free)) {
                    unserved.remove(p.name);
                    continue;
                }
                if (excused) {
                    continue; // not counted, not forgiven
                }
                int waited = unserved.merge(p.name, 1, Integer::sum);
                if (waited > PATIENCE) {
                    throw new AssertionError(where + "pod " + p.name + " " + p.requests + " fits an empty node "
                            + empty + " but has waited " + waited + " scans with no node coming (desired "
                            + g.desired() + ", ready " + readyNodes + ", max " + cap + ", launch failing " + launchFailing
                            + ", last scan " + status + ", nodes " + nodesText() + ")");
                }
            }
        }

        String nodesText() {
            StringBuilder b = new StringBuilder();
            for (FakeCluster.Node n : cluster.nodes.values()) {
                b.append(n.name).append(n.ready ? "" : " notReady").append(n.unschedulable ? " cordoned" : "")
                        .append(n.drain == DrainState.NONE ? "" : " " + n.drain).append(" pods ")
                        .append(cluster.podsOn(n.name).size()).append("; ");
            }
            return b.toString();
        }

        boolean fitsSomewhereSchedulable(FakeCluster.Pod p, Map<String, Resources> free) {
            for (FakeCluster.Node n : cluster.nodes.values()) {
                if (n.ready && !n.unschedulable && n.drain != DrainState.NO_SCHEDULE
                        && p.requests.fitsIn(free.get(n.name))) {
                    return true;
                }
            }
            return false;
        }
    }
}
