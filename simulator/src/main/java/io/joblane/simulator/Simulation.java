package io.joblane.simulator;

import io.joblane.simulator.cluster.NodeShape;
import io.joblane.simulator.cluster.NodeTypes;
import io.joblane.simulator.cluster.SimCluster;
import io.joblane.simulator.cluster.SimPod;
import io.joblane.simulator.cluster.SpotMarket;
import io.joblane.simulator.policy.ScalingPolicy;
import io.joblane.simulator.policy.StaticPolicy;
import io.joblane.simulator.report.PolicyResult;
import io.joblane.simulator.trace.TraceFormatException;
import io.joblane.simulator.trace.TraceJob;
import io.joblane.simulator.trace.TraceReader;
import io.joblane.simulator.trace.TraceSource;
import java.io.IOException;

/**
 * Replays one trace through one policy in virtual time: streams the trace rows as submit events, runs completions
 * and timers, lets the scheduler bind pods after every event time and the policy scan every scan interval. Memory is
 * bounded by the live pods and nodes, never by the trace length. Single-threaded.
 */
public final class Simulation {
    /** A run that still has waiting pods but nothing running and no trace left gives up after this much idle time. */
    static final long STALL_LIMIT_MILLIS = 24 * 3600_000L;

    /**
     * @param shape the first node type's shape (the only one of a one-type group)
     * @param spot  the Spot market of new nodes; none unless given
     * @param types the group's instance types and launch rule; one type of {@code shape} at {@code pricePerNodeHour}
     *              unless given
     */
    public record Settings(
            NodeShape shape,
            long bootDelayMillis,
            long scanIntervalMillis,
            int maxNodes,
            long seed,
            double pricePerNodeHour,
            long seriesWidthMillis,
            SpotMarket spot,
            NodeTypes types) {

        public Settings {
            spot = spot == null ? SpotMarket.NONE : spot;
            types = types == null ? NodeTypes.single(shape, pricePerNodeHour) : types;
        }

        /** Without Spot, of one type. */
        public Settings(
                NodeShape shape,
                long bootDelayMillis,
                long scanIntervalMillis,
                int maxNodes,
                long seed,
                double pricePerNodeHour,
                long seriesWidthMillis) {
            this(shape, bootDelayMillis, scanIntervalMillis, maxNodes, seed, pricePerNodeHour, seriesWidthMillis, null);
        }

        /** Of one type. */
        public Settings(
                NodeShape shape,
                long bootDelayMillis,
                long scanIntervalMillis,
                int maxNodes,
                long seed,
                double pricePerNodeHour,
                long seriesWidthMillis,
                SpotMarket spot) {
            this(
                    shape,
                    bootDelayMillis,
                    scanIntervalMillis,
                    maxNodes,
                    seed,
                    pricePerNodeHour,
                    seriesWidthMillis,
                    spot,
                    null);
        }

        /** A group of several instance types: the shape is the first type's. */
        public Settings(
                NodeTypes types,
                long bootDelayMillis,
                long scanIntervalMillis,
                int maxNodes,
                long seed,
                double pricePerNodeHour,
                long seriesWidthMillis,
                SpotMarket spot) {
            this(
                    types.first().shape(),
                    bootDelayMillis,
                    scanIntervalMillis,
                    maxNodes,
                    seed,
                    pricePerNodeHour,
                    seriesWidthMillis,
                    spot,
                    types);
        }

        Settings withSeed(long other) {
            return new Settings(
                    shape,
                    bootDelayMillis,
                    scanIntervalMillis,
                    maxNodes,
                    other,
                    pricePerNodeHour,
                    seriesWidthMillis,
                    spot,
                    types);
        }
    }

    /** Thrown by a run told to stop at the first waiting pod (static sizing). */
    static final class WaitedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        WaitedException() {
            super(null, null, false, false);
        }
    }

    /**
     * Tests only: run the scans that would be skipped and fail if one of them acts or writes a lane end, which would
     * mean a policy's {@link ScalingPolicy#nextScanWanted} promised too much.
     */
    static volatile boolean verifySkips;

    /**
     * Tests only: what watches each run's node states between event times (a node-time breakdown), by policy name
     * and seed; null for none.
     */
    static volatile java.util.function.BiFunction<String, Long, Probe> probes;

    /** Tests only: sees the cluster at every event time before its events run, and once at the end. */
    interface Probe {
        void advance(SimCluster cluster, long now);

        void finish(SimCluster cluster, long end);
    }

    private final TraceSource source;
    private final TraceStats stats;
    private final Settings settings;
    private final ProgressBar progress;

    Simulation(TraceSource source, TraceStats stats, Settings settings, ProgressBar progress) {
        this.source = source;
        this.stats = stats;
        this.settings = settings;
        this.progress = progress;
    }

    PolicyResult run(ScalingPolicy policy) throws IOException, TraceFormatException {
        return run(policy, false);
    }

    PolicyResult run(ScalingPolicy policy, boolean stopAtFirstWait) throws IOException, TraceFormatException {
        SimCluster cluster =
                new SimCluster(settings.types(), policy.scoring(), settings.seed(), settings.seriesWidthMillis());
        Run run = new Run(policy, cluster, Math.max(0, stats.firstSubmit), stopAtFirstWait);
        java.util.function.BiFunction<String, Long, Probe> probeFactory = probes;
        run.probe = probeFactory == null || stopAtFirstWait ? null : probeFactory.apply(policy.name(), settings.seed());
        cluster.spot(settings.spot(), settings.seed(), (node, at) -> policy.spotTaken(cluster, node, at));
        try (TraceReader reader = source.open()) {
            run.next = nextFitting(reader, settings.types());
            policy.scansEvery(settings.scanIntervalMillis());
            policy.start(cluster, run.start);
            while (run.step(reader)) {
                // Each step is one event time: submits, completions and timers due, scheduling, maybe a scan.
            }
        }
        if (run.probe != null) {
            run.probe.finish(cluster, run.now);
        }
        cluster.finish(run.now);
        return result(policy, cluster, run.now - run.start);
    }

    /** One policy's run in progress: the virtual time, the next trace row and scan, the stall and quiet state. */
    private final class Run {
        final ScalingPolicy policy;
        final SimCluster cluster;
        final long start;
        final boolean stopAtFirstWait;
        final boolean annotated;
        final Quiet quiet = new Quiet();
        final long span;
        TraceJob next;
        long now;
        long nextScan;
        long podIds;
        long stallSince = -1;
        long steps;
        Probe probe;

        Run(ScalingPolicy policy, SimCluster cluster, long start, boolean stopAtFirstWait) {
            this.policy = policy;
            this.cluster = cluster;
            this.start = start;
            this.stopAtFirstWait = stopAtFirstWait;
            this.annotated = policy.jobsAnnotatedSafeToEvictFalse();
            this.span = Math.max(1, stats.idealEnd - start);
            this.now = start;
            this.nextScan = start;
        }

        /** Runs the next event time; false when the trace is done and the cluster idle, or the run stalled. */
        boolean step(TraceReader reader) throws IOException, TraceFormatException {
            boolean idle = cluster.pending().isEmpty() && cluster.runningPods() == 0;
            if (next == null && idle) {
                return false;
            }
            long t = nextTime(idle);
            if (probe != null) {
                probe.advance(cluster, t);
            }
            now = t;
            cluster.runEventsUntil(t);
            submitDue(reader, t);
            schedule(policy, cluster, t);
            if (stopAtFirstWait && !cluster.pending().isEmpty()) {
                throw new WaitedException();
            }
            if (t == nextScan) {
                boolean unchanged = quiet.holds(cluster, stallSince);
                scan(policy, cluster, t, quiet, unchanged && t < quiet.nextScan(t, start), unchanged);
                nextScan += settings.scanIntervalMillis();
            }
            if (stalledTooLong(t)) {
                return false;
            }
            showProgress(t);
            return true;
        }

        /** The next event time: a completion or timer, the next submit or the next scan not skipped while quiet. */
        private long nextTime(boolean idle) {
            long tSubmit = next == null ? Long.MAX_VALUE : next.submitMillis();
            if (idle
                    && cluster.nodes().isEmpty()
                    && !cluster.hasQueuedEvents()
                    && policy.idleWhenEmpty()
                    && tSubmit > nextScan) {
                nextScan = Math.max(nextScan, tickAtOrAfter(start, tSubmit));
            }
            long scanAt = quiet.holds(cluster, stallSince) && !verifySkips ? quiet.nextScan(nextScan, start) : nextScan;
            long t = Math.min(Math.min(cluster.nextEventTime(), tSubmit), scanAt);
            if (t == Long.MAX_VALUE) {
                t = nextScan; // waiting pods and nothing else: let the stall limit count the scans
            }
            if (t > nextScan) {
                nextScan = tickAtOrAfter(start, t);
            }
            return t;
        }

        /** Submits every trace row due at {@code t}, one pod per Job of its count. */
        private void submitDue(TraceReader reader, long t) throws IOException, TraceFormatException {
            while (next != null && next.submitMillis() <= t) {
                for (int i = 0; i < next.count(); i++) {
                    SimPod pod = new SimPod(
                            podIds++,
                            next.cpuMillis(),
                            next.memoryMillis(),
                            next.gpus(),
                            next.durationMillis(),
                            next.submitMillis(),
                            annotated);
                    pod.deadline = next.deadlineMillis();
                    pod.family = next.family();
                    pod.zone = next.zone().isEmpty() ? null : next.zone();
                    policy.admit(pod, t);
                    cluster.submit(pod);
                }
                next = nextFitting(reader, settings.types());
            }
        }

        /** Pods wait with nothing running, no trace left and nothing queued for longer than the stall limit. */
        private boolean stalledTooLong(long t) {
            if (next == null
                    && cluster.runningPods() == 0
                    && !cluster.pending().isEmpty()
                    && !cluster.hasQueuedEvents()) {
                if (stallSince < 0) {
                    stallSince = t;
                    return false;
                }
                return t - stallSince > STALL_LIMIT_MILLIS;
            }
            stallSince = -1;
            return false;
        }

        private void showProgress(long t) {
            if (progress != null && (++steps & 0xff) == 0) {
                progress.update(policy.name(), Math.min(1.0, (double) (t - start) / span));
            }
        }
    }

    /** The kube-scheduler (or the policy's own placement) at {@code t}, then the policy's reaction to it. */
    private static void schedule(ScalingPolicy policy, SimCluster cluster, long t) {
        if (policy.placesPods()) {
            policy.place(cluster, t);
        } else {
            cluster.schedule(t);
        }
        policy.afterSchedule(cluster, t);
    }

    private TraceJob nextFitting(TraceReader reader, NodeTypes types) throws IOException, TraceFormatException {
        TraceJob job = reader.next();
        while (job != null && !types.fitsSome(job.cpuMillis(), job.memoryMillis(), job.gpus())) {
            job = reader.next();
        }
        return job;
    }

    private PolicyResult result(ScalingPolicy policy, SimCluster c, long makespan) {
        NodeShape shape = settings.shape();
        double nodeHours = c.nodeMillis / 3_600_000.0;
        double lowerBound = stats.lowerBoundNodeMillis / 3_600_000.0;
        // Requested share of the binding resource (the one that sets the lower bound), lost runs included.
        double used = shape.nodesFor(
                c.runResourceMillis[0], c.runResourceMillis[1], c.runResourceMillis[2], c.runResourceMillis[3]);
        double utilization = c.nodeMillis <= 0 ? 0 : used / c.nodeMillis;
        if (settings.types().mixed()) {
            // Nodes of several sizes: the cpu share, requested cpu-time over the nodes' usable cpu-time.
            double usable = c.cpuMillisMillis - c.nodeMillis * shape.daemonSetCpuMillis();
            utilization = usable <= 0 ? 0 : c.runResourceMillis[0] / usable;
        }
        return new PolicyResult(
                policy.name(),
                nodeHours,
                // Several types or Spot: each node at its type's (and market's) price; else node-hours x price.
                settings.types().mixed() || settings.spot().active()
                        ? c.costMillis / 3_600_000.0
                        : nodeHours * settings.pricePerNodeHour(),
                lowerBound,
                utilization,
                stats.jobs,
                c.jobsStarted,
                c.jobsInterrupted,
                c.interruptions,
                c.lostRunMillis / 3_600_000.0,
                c.waits.quantile(0.50) / 1000.0,
                c.waits.quantile(0.95) / 1000.0,
                c.waits.max() / 1000.0,
                policy.scaleActions(),
                c.peakNodes,
                policy instanceof StaticPolicy s ? s.nodes() : 0,
                c.podsOnRemovedNodes,
                makespan / 3_600_000.0,
                c.nodeSeries.widthMillis() / 1000.0,
                c.nodeSeries.values(),
                c.waits,
                c.jobsLostToSpot,
                c.spotLostRunMillis / 3_600_000.0,
                c.spotNodesTaken);
    }

    /**
     * After a scan that changed nothing: the cluster version it saw and when the policy wants to look again. While the
     * version stays, scans before that are skipped (a skipped scan would see what the last one saw).
     */
    private final class Quiet {
        long version = -1;
        long wakeAt;

        boolean holds(SimCluster cluster, long stallSince) {
            return version == cluster.version() && stallSince < 0;
        }

        /** The next scan to run while quiet: when the policy asked, not before {@code nextScan}. */
        long nextScan(long nextScan, long start) {
            return wakeAt == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(nextScan, tickAtOrAfter(start, wakeAt));
        }
    }

    /**
     * One scan of the policy at {@code t}, the events and binding it causes, and whether it leaves things quiet. Of a
     * cluster {@code unchanged} since a scan that did nothing, only the steps due ({@link ScalingPolicy#wholeScanDue}).
     */
    private static void scan(
            ScalingPolicy policy, SimCluster cluster, long t, Quiet quiet, boolean skippable, boolean unchanged) {
        long before = cluster.version();
        long laneEndsBefore = cluster.laneEndChanges();
        boolean stepsOnly = unchanged && !skippable && !policy.wholeScanDue(t);
        boolean acted = stepsOnly && !verifySkips ? policy.scanDueStepsOnly(cluster, t) : policy.scan(cluster, t);
        cluster.runEventsUntil(t);
        schedule(policy, cluster, t);
        if (verifySkips
                && (skippable || stepsOnly)
                && (acted || cluster.version() != before || cluster.laneEndChanges() != laneEndsBefore)) {
            throw new IllegalStateException(policy.name() + " acted in a scan at " + t + " ms that would have been "
                    + (skippable ? "skipped" : "cut to the steps due") + " (its next wanted scan was " + quiet.wakeAt
                    + " ms)");
        }
        quiet.version = acted || cluster.version() != before ? -1 : before;
        quiet.wakeAt = quiet.version < 0 ? 0 : policy.nextScanWanted(cluster, t);
    }

    /** The first scan time at or after {@code time}: scans run at the trace start plus whole intervals. */
    private long tickAtOrAfter(long start, long time) {
        long interval = settings.scanIntervalMillis();
        return start + ceilDiv(Math.max(0, time - start), interval) * interval;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
