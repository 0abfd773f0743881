package io.joblane.simulator;

import io.joblane.simulator.cluster.NodeShape;
import io.joblane.simulator.cluster.SimCluster;
import io.joblane.simulator.cluster.SimPod;
import io.joblane.simulator.policy.ScalingPolicy;
import io.joblane.simulator.policy.StaticPolicy;
import io.joblane.simulator.report.PolicyResult;
import io.joblane.simulator.trace.TraceFormatException;
import io.joblane.simulator.trace.TraceJob;
import io.joblane.simulator.trace.TraceReader;
import io.joblane.simulator.trace.TraceSource;
import java.io.IOException;
import java.io.PrintStream;

/**
 * Replays one trace through one policy in virtual time: streams the trace rows as submit events, runs completions
 * and timers, lets the scheduler bind pods after every event time and the policy scan every scan interval. Memory is
 * bounded by the live pods and nodes, never by the trace length. Single-threaded.
 */
public final class Simulation {
    /** A run that still has waiting pods but nothing running and no trace left gives up after this much idle time. */
    static final long STALL_LIMIT_MILLIS = 24 * 3600_000L;

    public record Settings(NodeShape shape, long bootDelayMillis, long scanIntervalMillis, int maxNodes, long seed,
            double pricePerNodeHour, long seriesWidthMillis) {
    }

    /** Thrown by a run told to stop at the first waiting pod (static sizing). */
    static final class WaitedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        WaitedException() {
            super(null, null, false, false);
        }
    }

    private final TraceSource source;
    private final TraceStats stats;
    private final Settings settings;
    private final PrintStream progress;

    Simulation(TraceSource source, TraceStats stats, Settings settings, PrintStream progress) {
        this.source = source;
        this.stats = stats;
        this.settings = settings;
        this.progress = progress;
    }

    PolicyResult run(ScalingPolicy policy) throws IOException, TraceFormatException {
        return run(policy, false);
    }

    PolicyResult run(ScalingPolicy policy, boolean stopAtFirstWait) throws IOException, TraceFormatException {
        NodeShape shape = settings.shape();
        SimCluster cluster = new SimCluster(shape, policy.scoring(), settings.seed(), settings.seriesWidthMillis());
        long interval = settings.scanIntervalMillis();
        boolean annotated = policy.jobsAnnotatedSafeToEvictFalse();
        long start = Math.max(0, stats.firstSubmit);
        long podIds = 0;
        long now = start;
        long stallSince = -1;
        long lastProgress = System.nanoTime();
        long steps = 0;
        long span = Math.max(1, stats.idealEnd - start);
        try (TraceReader reader = source.open()) {
            TraceJob next = nextFitting(reader, shape);
            policy.start(cluster, start);
            long nextScan = start;
            while (true) {
                boolean idle = cluster.pending().isEmpty() && cluster.runningPods() == 0;
                if (next == null && idle) {
                    break;
                }
                long tSubmit = next == null ? Long.MAX_VALUE : next.submitMillis();
                if (idle && cluster.nodes().isEmpty() && !cluster.hasQueuedEvents() && policy.idleWhenEmpty()
                        && tSubmit > nextScan) {
                    nextScan = Math.max(nextScan, start + ceilDiv(tSubmit - start, interval) * interval);
                }
                long t = Math.min(Math.min(cluster.nextEventTime(), tSubmit), nextScan);
                now = t;
                cluster.runEventsUntil(t);
                while (next != null && next.submitMillis() <= t) {
                    for (int i = 0; i < next.count(); i++) {
                        cluster.submit(new SimPod(podIds++, next.cpuMillis(), next.memoryMillis(), next.gpus(),
                                next.durationMillis(), next.submitMillis(), annotated));
                    }
                    next = nextFitting(reader, shape);
                }
                cluster.schedule(t);
                if (stopAtFirstWait && !cluster.pending().isEmpty()) {
                    throw new WaitedException();
                }
                if (t == nextScan) {
                    policy.scan(cluster, t);
                    cluster.runEventsUntil(t);
                    cluster.schedule(t);
                    nextScan += interval;
                }
                if (next == null && cluster.runningPods() == 0 && !cluster.pending().isEmpty()
                        && !cluster.hasQueuedEvents()) {
                    if (stallSince < 0) {
                        stallSince = t;
                    } else if (t - stallSince > STALL_LIMIT_MILLIS) {
                        break;
                    }
                } else {
                    stallSince = -1;
                }
                if (progress != null && (++steps & 0x3ff) == 0 && System.nanoTime() - lastProgress > 500_000_000L) {
                    lastProgress = System.nanoTime();
                    progress.printf("\r%-26s %5.1f%% of the trace, %d nodes, %d pods waiting   ", policy.name(),
                            Math.min(100.0, 100.0 * (t - start) / span), cluster.nodes().size(), cluster.pending().size());
                }
            }
        }
        cluster.finish(now);
        if (progress != null) {
            progress.printf("\r%-80s\r", "");
        }
        return result(policy, cluster, now - start);
    }

    private TraceJob nextFitting(TraceReader reader, NodeShape shape) throws IOException, TraceFormatException {
        TraceJob job = reader.next();
        while (job != null && !shape.fitsEmpty(job.cpuMillis(), job.memoryMillis(), job.gpus())) {
            job = reader.next();
        }
        return job;
    }

    private PolicyResult result(ScalingPolicy policy, SimCluster c, long makespan) {
        NodeShape shape = settings.shape();
        double nodeHours = c.nodeMillis / 3_600_000.0;
        double lowerBound = stats.lowerBoundNodeMillis / 3_600_000.0;
        // Requested share of the binding resource (the one that sets the lower bound), lost runs included.
        double used = shape.nodesFor(c.runResourceMillis[0], c.runResourceMillis[1], c.runResourceMillis[2],
                c.runResourceMillis[3]);
        double utilization = c.nodeMillis <= 0 ? 0 : used / c.nodeMillis;
        return new PolicyResult(policy.name(), nodeHours, nodeHours * settings.pricePerNodeHour(), lowerBound,
                utilization, stats.jobs, c.jobsStarted, c.jobsInterrupted, c.interruptions,
                c.lostRunMillis / 3_600_000.0, c.waits.quantile(0.50) / 1000.0, c.waits.quantile(0.95) / 1000.0,
                c.waits.max() / 1000.0, policy.scaleActions(), c.peakNodes,
                policy instanceof StaticPolicy s ? s.nodes() : 0, c.podsOnRemovedNodes, makespan / 3_600_000.0,
                c.nodeSeries.widthMillis() / 1000.0, c.nodeSeries.values());
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
