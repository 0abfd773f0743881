package io.joblane.simulator;

import io.joblane.model.GoDuration;
import io.joblane.simulator.cluster.NodeShape;
import io.joblane.simulator.cluster.SimCluster;
import io.joblane.simulator.policy.ClairvoyantPolicy;
import io.joblane.simulator.policy.ClusterAutoscalerPolicy;
import io.joblane.simulator.policy.JoblanePolicy;
import io.joblane.simulator.policy.KarpenterPolicy;
import io.joblane.simulator.policy.ScalingPolicy;
import io.joblane.simulator.policy.StaticPolicy;
import io.joblane.simulator.report.PolicyResult;
import io.joblane.simulator.trace.TraceFormatException;
import io.joblane.simulator.trace.TraceSource;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the chosen policies on one trace: a first pass for the trace's statistics and lower bound, static sizing,
 * then one simulation per policy. Called by {@link SimulateCommand} and by tests; the policies run on the calling
 * thread, or on {@link #threads} threads at once (each run is itself single-threaded).
 */
public final class Simulator implements RunTimings {
    /**
     * The default install: the chart's defaults (its packing scheduler, NodeResourcesFit MostAllocated, places the
     * Job pods; lanes on: the scaler's lanes step labels nodes, the webhook's preferred lane term steers pods, the
     * drain order uses the expected ends), through the scaler's real loop and planner.
     */
    public static final String JOBLANE = "joblane";
    /** The default install with {@code lanes.enabled: false}: the lanes lever's effect. */
    public static final String JOBLANE_NO_LANES = "joblane-no-lanes";
    /** A measurement: lanes steer pods, but the drain order does not use the expected ends (that lever's effect). */
    public static final String JOBLANE_NO_DRAIN_ORDER = "joblane-no-drain-order";
    /** Joblane with the default kube-scheduler (LeastAllocated): the chart with {@code packingScheduler.enabled=false}. */
    public static final String JOBLANE_SPREAD = "joblane-spread";
    /** Joblane with the default scheduler, steered only by the draining taint on every node it can spare. */
    public static final String JOBLANE_FILL_FIRST = "joblane-fill-first";

    public static final String CLUSTER_AUTOSCALER = "cluster-autoscaler";
    public static final String CLUSTER_AUTOSCALER_PACKING = "cluster-autoscaler-packing";
    public static final String CLUSTER_AUTOSCALER_ON_COMPLETION = "cluster-autoscaler-on-completion";
    public static final String CLUSTER_AUTOSCALER_ON_COMPLETION_PACKING = "cluster-autoscaler-on-completion-packing";
    public static final String CLUSTER_AUTOSCALER_UNSAFE = "cluster-autoscaler-unsafe";
    public static final String KARPENTER = "karpenter";
    public static final String KARPENTER_PACKING = "karpenter-packing";
    /** A reference that knows every Job's duration at submit; never product behaviour. */
    public static final String CLAIRVOYANT = "clairvoyant";

    public static final String STATIC = "static";
    public static final List<String> POLICIES = List.of(
            JOBLANE,
            JOBLANE_NO_LANES,
            JOBLANE_NO_DRAIN_ORDER,
            JOBLANE_SPREAD,
            JOBLANE_FILL_FIRST,
            CLUSTER_AUTOSCALER,
            CLUSTER_AUTOSCALER_PACKING,
            CLUSTER_AUTOSCALER_ON_COMPLETION,
            CLUSTER_AUTOSCALER_ON_COMPLETION_PACKING,
            KARPENTER,
            KARPENTER_PACKING,
            CLAIRVOYANT,
            CLUSTER_AUTOSCALER_UNSAFE,
            STATIC);
    /** What {@code simulate} runs unless told otherwise: the default install, the peers a user would pick, the references. */
    public static final List<String> DEFAULT_POLICIES = List.of(
            JOBLANE,
            JOBLANE_NO_LANES,
            JOBLANE_SPREAD,
            CLUSTER_AUTOSCALER,
            CLUSTER_AUTOSCALER_PACKING,
            CLUSTER_AUTOSCALER_ON_COMPLETION,
            CLUSTER_AUTOSCALER_ON_COMPLETION_PACKING,
            KARPENTER,
            KARPENTER_PACKING,
            CLAIRVOYANT,
            CLUSTER_AUTOSCALER_UNSAFE,
            STATIC);
    /** Static sizing grows its guess by this factor until no Job waits. */
    static final double STATIC_GROWTH = 1.1;

    static final int STATIC_TRIES = 30;

    private static final SimCluster.Scoring MOST = SimCluster.Scoring.MOST_ALLOCATED;
    private static final SimCluster.Scoring LEAST = SimCluster.Scoring.LEAST_ALLOCATED;

    /**
     * The outcome: the trace's figures and one result per policy, in the order asked; with several seeds, each
     * policy's result is its median run by node-hours and {@code spreads} holds the range over the seeds.
     *
     * @param settings the simulation's knobs in one human line, for the table and the report
     */
    public record Comparison(
            String trace,
            String settings,
            NodeShape shape,
            long jobs,
            long jobsNeverFit,
            long firstNeverFitLine,
            long badLines,
            String firstBadLine,
            long skippedRows,
            double lowerBoundNodeHours,
            double peakDemandNodes,
            double demandWidthSeconds,
            double[] demand,
            List<PolicyResult> results,
            Map<String, Spread> spreads) {}

    /** A policy's range over the seeds of the scheduler's random tie-breaks. */
    public record Spread(
            int seeds,
            double nodeHoursMin,
            double nodeHoursMax,
            double waitP95Min,
            double waitP95Max,
            long jobsInterruptedMax) {}

    private final Simulation.Settings settings;
    private final JoblanePolicyFactory joblane;
    private final List<Long> seeds;
    private final java.util.Map<String, Double> wallSeconds = new java.util.LinkedHashMap<>();
    private final java.util.Map<String, Double> cpuSecondsByPolicy = new java.util.LinkedHashMap<>();
    /** Per Joblane policy, what its loop did over its runs (runs may be on several threads). */
    private final java.util.Map<String, LoopCounts> loopCounts = new java.util.concurrent.ConcurrentHashMap<>();

    private int threads = 1;
    private double cpuSeconds;

    /** Wall seconds of each policy's run in the last {@link #run}, in order (for {@code --timing}). */
    @Override
    public java.util.Map<String, Double> wallSeconds() {
        return wallSeconds;
    }

    /** CPU seconds of the thread that ran each policy's run in the last {@link #run}, in order. */
    @Override
    public java.util.Map<String, Double> cpuSecondsByPolicy() {
        return cpuSecondsByPolicy;
    }

    /**
     * What each Joblane policy's loop did over its runs of the last {@link #run} (summed over the seeds), in the order
     * the policies ran. A lane-end label write is a node PATCH in a cluster ({@code
     * joblane_scaler_lane_label_writes_total}).
     */
    @Override
    public java.util.Map<String, LoopCounts> loopCounts() {
        java.util.Map<String, LoopCounts> ordered = new java.util.LinkedHashMap<>();
        wallSeconds.keySet().forEach(name -> {
            LoopCounts counts = loopCounts.get(name);
            if (counts != null) {
                ordered.put(name, counts);
            }
        });
        return ordered;
    }

    /**
     * Builds a Joblane policy for one run: the real loop under {@code name}, its pods placed with {@code scoring},
     * and {@code maxDraining} when positive instead of the configured one; the simulator owns nothing of the loop.
     */
    @FunctionalInterface
    public interface JoblanePolicyFactory {
        ScalingPolicy create(
                Simulation.Settings settings,
                String name,
                SimCluster.Scoring scoring,
                int maxDraining,
                JoblanePolicy.Lanes lanes);
    }

    Simulator(Simulation.Settings settings, JoblanePolicyFactory joblane) {
        this(settings, joblane, List.of(settings.seed()));
    }

    /** Runs every policy once per seed of the scheduler's tie-breaks (the trace stays the same). */
    Simulator(Simulation.Settings settings, JoblanePolicyFactory joblane, List<Long> seeds) {
        if (seeds.isEmpty()) {
            throw new IllegalArgumentException("at least one seed");
        }
        this.settings = settings;
        this.joblane = joblane;
        this.seeds = List.copyOf(seeds);
    }

    /**
     * Runs the policies on up to {@code threads} threads at once (each policy with its seeds is one task; the
     * policies share nothing but the read-only trace statistics); results, spreads and timings in the order asked.
     */
    public Simulator threads(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("threads must be at least 1, not " + count);
        }
        this.threads = count;
        return this;
    }

    /** CPU seconds of the threads that simulated, over the policies of the last {@link #run} (for {@code --timing}). */
    @Override
    public double cpuSeconds() {
        return cpuSeconds;
    }

    public Comparison run(TraceSource source, List<String> policies, PrintStream progress)
            throws IOException, TraceFormatException {
        TraceStats stats = TraceStats.of(source, settings.types(), settings.seriesWidthMillis());
        wallSeconds.clear();
        cpuSecondsByPolicy.clear();
        loopCounts.clear();
        cpuSeconds = 0;
        ProgressBar bar = progress == null ? null : new ProgressBar(progress);
        if (bar != null) {
            bar.expect(policies.size() * seeds.size());
        }
        List<PolicyRuns> done = runAll(policies, name -> runPolicy(source, stats, name, bar));
        if (bar != null) {
            bar.clear();
        }
        List<PolicyResult> results = new ArrayList<>();
        Map<String, Spread> spreads = new LinkedHashMap<>();
        for (PolicyRuns r : done) {
            results.add(r.median());
            if (r.spread() != null) {
                spreads.put(r.median().policy(), r.spread());
            }
            wallSeconds.put(r.name(), r.wallSeconds());
            cpuSecondsByPolicy.put(r.name(), r.cpuSeconds());
            cpuSeconds += r.cpuSeconds();
        }
        return new Comparison(
                source.describe(),
                describeSettings(),
                settings.shape(),
                stats.jobs,
                stats.jobsNeverFit,
                stats.firstNeverFit == null ? 0 : stats.firstNeverFit.line(),
                stats.badLines,
                stats.firstBadLine,
                stats.skippedRows,
                stats.lowerBoundNodeMillis / 3_600_000.0,
                stats.peakDemandNodes,
                stats.demand.widthMillis() / 1000.0,
                stats.demand.values(),
                results,
                spreads);
    }

    /** One policy's runs over the seeds: the median run by node-hours, the range when several, its time. */
    private record PolicyRuns(String name, PolicyResult median, Spread spread, double wallSeconds, double cpuSeconds) {}

    /** One task of {@link #runAll}. */
    @FunctionalInterface
    private interface PolicyTask {
        PolicyRuns run(String name) throws IOException, TraceFormatException;
    }

    /** Runs every policy's task, on the calling thread when one thread is asked, else on a pool; results in order. */
    private List<PolicyRuns> runAll(List<String> policies, PolicyTask task) throws IOException, TraceFormatException {
        List<PolicyRuns> out = new ArrayList<>();
        int count = Math.min(threads, policies.size());
        if (count <= 1) {
            for (String name : policies) {
                out.add(task.run(name));
            }
            return out;
        }
        AtomicInteger ids = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(count, r -> {
            Thread t = new Thread(r, "simulate-" + ids.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<PolicyRuns>> futures = new ArrayList<>(Collections.nCopies(policies.size(), null));
            for (int i : startOrder(policies)) {
                String name = policies.get(i);
                futures.set(i, pool.submit(() -> task.run(name)));
            }
            for (Future<PolicyRuns> f : futures) {
                out.add(await(f));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The places of {@code policies} in the order the pool starts them: the costliest first (longest processing time
     * first), so the last to start are the shortest and no thread waits long alone at the end; the asked order within
     * a class. On RICC a Joblane policy takes 25-40 s of CPU, the unsafe cluster-autoscaler model 7-8 s, the other
     * peers 3-5 s, static and clairvoyant 2 s (--timing); started in the asked order, the unsafe model (next to last)
     * could leave one core idle for most of its 8 s.
     */
    static List<Integer> startOrder(List<String> policies) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < policies.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingInt((Integer i) -> -costClass(policies.get(i))));
        return order;
    }

    private static int costClass(String policy) {
        if (policy.startsWith(JOBLANE)) {
            return 3;
        }
        if (policy.equals(CLUSTER_AUTOSCALER_UNSAFE)) {
            return 2;
        }
        return policy.equals(STATIC) || policy.equals(CLAIRVOYANT) ? 0 : 1;
    }

    /** The task's result, or the exception it threw, unwrapped. */
    private static PolicyRuns await(Future<PolicyRuns> f) throws IOException, TraceFormatException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while policies ran", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof TraceFormatException tf) {
                throw tf;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        }
    }

    private PolicyRuns runPolicy(TraceSource source, TraceStats stats, String name, ProgressBar bar)
            throws IOException, TraceFormatException {
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        long startCpu = cpu.getCurrentThreadCpuTime();
        long started = System.nanoTime();
        List<PolicyResult> runs = new ArrayList<>();
        for (long seed : seeds) {
            Simulation.Settings s = settings.withSeed(seed);
            runs.add(runOne(new Simulation(source, stats, s, bar), stats, s, name));
            if (bar != null) {
                bar.finished(name);
            }
        }
        runs.sort(Comparator.comparingDouble(PolicyResult::nodeHours));
        Spread spread = runs.size() == 1 ? null : spread(runs);
        return new PolicyRuns(
                name,
                runs.get((runs.size() - 1) / 2),
                spread,
                (System.nanoTime() - started) / 1e9,
                (cpu.getCurrentThreadCpuTime() - startCpu) / 1e9);
    }

    /** The range over the seeds of runs sorted by node-hours. */
    private static Spread spread(List<PolicyResult> runs) {
        return new Spread(
                runs.size(),
                runs.get(0).nodeHours(),
                runs.get(runs.size() - 1).nodeHours(),
                runs.stream().mapToDouble(PolicyResult::waitSecondsP95).min().orElse(0),
                runs.stream().mapToDouble(PolicyResult::waitSecondsP95).max().orElse(0),
                runs.stream().mapToLong(PolicyResult::jobsInterrupted).max().orElse(0));
    }

    private PolicyResult runOne(Simulation simulation, TraceStats stats, Simulation.Settings s, String name)
            throws IOException, TraceFormatException {
        long boot = s.bootDelayMillis();
        int max = s.maxNodes();
        return switch (name) {
            case JOBLANE -> runJoblane(simulation, joblane(stats, s, JOBLANE, MOST, 0, JoblanePolicy.Lanes.ON));
            case JOBLANE_NO_LANES ->
                runJoblane(simulation, joblane(stats, s, JOBLANE_NO_LANES, MOST, 0, JoblanePolicy.Lanes.OFF));
            case JOBLANE_NO_DRAIN_ORDER ->
                runJoblane(
                        simulation,
                        joblane(stats, s, JOBLANE_NO_DRAIN_ORDER, MOST, 0, JoblanePolicy.Lanes.PLACEMENT_ONLY));
            case JOBLANE_SPREAD ->
                runJoblane(simulation, joblane(stats, s, JOBLANE_SPREAD, LEAST, 0, JoblanePolicy.Lanes.ON));
            case JOBLANE_FILL_FIRST ->
                runJoblane(simulation, joblane(stats, s, JOBLANE_FILL_FIRST, LEAST, max, JoblanePolicy.Lanes.ON));
            case CLUSTER_AUTOSCALER ->
                simulation.run(clusterAutoscaler(ClusterAutoscalerPolicy.JobPods.SAFE_TO_EVICT_FALSE, LEAST, stats, s));
            case CLUSTER_AUTOSCALER_PACKING ->
                simulation.run(clusterAutoscaler(ClusterAutoscalerPolicy.JobPods.SAFE_TO_EVICT_FALSE, MOST, stats, s));
            case CLUSTER_AUTOSCALER_ON_COMPLETION ->
                simulation.run(clusterAutoscaler(ClusterAutoscalerPolicy.JobPods.ON_COMPLETION, LEAST, stats, s));
            case CLUSTER_AUTOSCALER_ON_COMPLETION_PACKING ->
                simulation.run(clusterAutoscaler(ClusterAutoscalerPolicy.JobPods.ON_COMPLETION, MOST, stats, s));
            case CLUSTER_AUTOSCALER_UNSAFE ->
                simulation.run(clusterAutoscaler(ClusterAutoscalerPolicy.JobPods.EVICTABLE, LEAST, stats, s));
            case KARPENTER -> simulation.run(new KarpenterPolicy(SimCluster.Scoring.LEAST_ALLOCATED, boot, max));
            case KARPENTER_PACKING -> simulation.run(new KarpenterPolicy(SimCluster.Scoring.MOST_ALLOCATED, boot, max));
            case CLAIRVOYANT -> simulation.run(new ClairvoyantPolicy(boot, max));
            case STATIC -> staticRun(simulation, stats, staticScale(s.types()));
            default -> throw new IllegalArgumentException("unknown policy \"" + name + "\" (use " + POLICIES + ")");
        };
    }

    /** Runs a Joblane policy and adds what its loop did to {@link #loopCounts}. */
    private PolicyResult runJoblane(Simulation simulation, ScalingPolicy policy)
            throws IOException, TraceFormatException {
        PolicyResult result = simulation.run(policy);
        if (policy instanceof JoblanePolicy j) {
            loopCounts.merge(
                    result.policy(),
                    new LoopCounts(j.wholeScans(), j.stepsOnlyRuns(), j.laneEndWrites()),
                    LoopCounts::plus);
        }
        return result;
    }

    /**
     * A joblane policy: over one Auto Scaling group per zone when the trace pins Jobs to zones (as the peers run), the
     * real planner choosing the group; else over one multi-zone group.
     */
    private ScalingPolicy joblane(
            TraceStats stats,
            Simulation.Settings s,
            String name,
            SimCluster.Scoring scoring,
            int maxDraining,
            JoblanePolicy.Lanes lanes) {
        ScalingPolicy policy = joblane.create(s, name, scoring, maxDraining, lanes);
        if (stats.zonalJobs > 0 && policy instanceof JoblanePolicy j) {
            j.oneAsgPerZone(SimCluster.ZONES);
        }
        return policy;
    }

    /**
     * The cluster-autoscaler model: over one Auto Scaling group per zone when the trace pins Jobs to zones (what its AWS
     * README prescribes for zonal volumes, with {@code --balance-similar-node-groups}), else over one multi-zone group.
     */
    private static ClusterAutoscalerPolicy clusterAutoscaler(
            ClusterAutoscalerPolicy.JobPods jobPods,
            SimCluster.Scoring scoring,
            TraceStats stats,
            Simulation.Settings s) {
        return new ClusterAutoscalerPolicy(
                jobPods,
                scoring,
                s.bootDelayMillis(),
                s.maxNodes(),
                stats.zonalJobs > 0 ? SimCluster.ZONES : List.of(),
                s.seed());
    }

    private String describeSettings() {
        return "boot delay " + GoDuration.format(Duration.ofMillis(settings.bootDelayMillis())) + ", scan every "
                + GoDuration.format(Duration.ofMillis(settings.scanIntervalMillis())) + ", max nodes "
                + settings.maxNodes()
                + (seeds.size() > 1
                        ? ", seeds " + seeds.get(0) + "-" + seeds.get(seeds.size() - 1) + " (median run shown)"
                        : ", seed " + settings.seed())
                + ", " + joblane
                + (settings.types().mixed()
                        ? ", " + io.joblane.simulator.cluster.NodeTypesOption.describe(settings.types())
                        : "")
                + (settings.spot().active()
                        ? String.format(
                                java.util.Locale.ROOT,
                                ", Spot: %.0f%% of new nodes, %s interruptions per Spot node-hour (2m notice)%s",
                                100 * settings.spot().spotShare(),
                                settings.spot().interruptionsPerNodeHour(),
                                settings.spot().priceRatio() == 1
                                        ? ""
                                        : ", billed at " + settings.spot().priceRatio() + " of on-demand")
                        : "");
    }

    /**
     * The static group sized for the peak: the smallest size, from ceil(peak demand) growing by 10% (at least one node)
     * per try, at which the scheduler starts every Job the moment it is submitted. Each try stops at the first Job that
     * would wait; the try that passes is the result.
     */
    static PolicyResult staticRun(Simulation simulation, TraceStats stats) throws IOException, TraceFormatException {
        return staticRun(simulation, stats, 1);
    }

    /**
     * The static group's nodes are of the largest type while the peak demand is counted in nodes of the first: the
     * first try starts from the peak scaled by the smaller of their usable cpu and memory ratios (1 for one type).
     */
    static double staticScale(io.joblane.simulator.cluster.NodeTypes types) {
        NodeShape first = types.first().shape();
        NodeShape largest = types.largest().shape();
        return Math.min(
                (double) first.usableCpu() / largest.usableCpu(),
                (double) first.usableMemory() / largest.usableMemory());
    }

    static PolicyResult staticRun(Simulation simulation, TraceStats stats, double scale)
            throws IOException, TraceFormatException {
        int nodes = Math.max(1, (int) Math.ceil(stats.peakDemandNodes * scale - 1e-9));
        for (int i = 0; i < STATIC_TRIES; i++) {
            try {
                return simulation.run(new StaticPolicy(nodes), true);
            } catch (Simulation.WaitedException e) {
                nodes = Math.max(nodes + 1, (int) Math.ceil(nodes * STATIC_GROWTH));
            }
        }
        return simulation.run(new StaticPolicy(nodes));
    }
}
