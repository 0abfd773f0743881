package io.joblane.simulator;

import io.joblane.simulator.cluster.NodeShape;
import io.joblane.simulator.report.Series;
import io.joblane.simulator.trace.TraceFormatException;
import io.joblane.simulator.trace.TraceJob;
import io.joblane.simulator.trace.TraceReader;
import io.joblane.simulator.trace.TraceSource;
import java.io.IOException;
import java.util.PriorityQueue;

/**
 * The first, policy-free pass over a trace: counts, the lower bound of node-time (total requested resource-time over
 * a node's usable capacity on the binding resource) and the demand over time if every Job started on submit, in
 * nodes. Memory: one heap entry per row running at once in that ideal schedule.
 */
final class TraceStats {
    long rows;
    long jobs;
    long jobsNeverFit;
    /** Jobs pinned to a zone (a CSV zone column or --zonal-jobs). */
    long zonalJobs;

    TraceJob firstNeverFit;
    long badLines;
    String firstBadLine;
    long skippedRows;
    long firstSubmit = -1;
    long lastSubmit;
    long idealEnd;
    double peakDemandNodes;
    double lowerBoundNodeMillis;
    final double[] resourceMillis = new double[4];
    final Series demand;

    private TraceStats(long seriesWidth) {
        demand = new Series(seriesWidth);
    }

    static TraceStats of(TraceSource source, NodeShape shape, long seriesWidth)
            throws IOException, TraceFormatException {
        return of(source, io.joblane.simulator.cluster.NodeTypes.single(shape, 0), seriesWidth);
    }

    /**
     * The trace's figures for a group of {@code types}: a Job fitting no type is left out; the lower bound and the
     * demand are in nodes of the first type.
     */
    static TraceStats of(TraceSource source, io.joblane.simulator.cluster.NodeTypes types, long seriesWidth)
            throws IOException, TraceFormatException {
        NodeShape shape = types.first().shape();
        TraceStats s = new TraceStats(seriesWidth);
        // Rows running in the ideal schedule, by end time; their totals are kept incrementally.
        PriorityQueue<TraceJob> running = new PriorityQueue<>(
                (a, b) -> Long.compare(a.submitMillis() + a.durationMillis(), b.submitMillis() + b.durationMillis()));
        RunningTotals totals = new RunningTotals();
        try (TraceReader reader = source.open()) {
            for (TraceJob job = reader.next(); job != null; job = reader.next()) {
                s.rows++;
                if (!types.fitsSome(job.cpuMillis(), job.memoryMillis(), job.gpus())) {
                    s.jobsNeverFit += job.count();
                    if (s.firstNeverFit == null) {
                        s.firstNeverFit = job;
                    }
                    continue;
                }
                long now = job.submitMillis();
                while (!running.isEmpty() && end(running.peek()) <= now) {
                    finish(running.poll(), totals, s, shape);
                }
                if (s.firstSubmit < 0) {
                    s.firstSubmit = now;
                }
                s.lastSubmit = now;
                int n = job.count();
                s.jobs += n;
                s.zonalJobs += job.zone().isEmpty() ? 0 : n;
                double d = job.durationMillis();
                s.resourceMillis[0] += (double) job.cpuMillis() * n * d;
                s.resourceMillis[1] += (double) job.memoryMillis() * n * d;
                s.resourceMillis[2] += (double) job.gpus() * n * d;
                s.resourceMillis[3] += n * d;
                s.idealEnd = Math.max(s.idealEnd, end(job));
                if (job.durationMillis() > 0) {
                    running.add(job);
                    totals.add(job, 1);
                    double nodes = totals.nodes(shape);
                    s.peakDemandNodes = Math.max(s.peakDemandNodes, nodes);
                    s.demand.set(now, nodes);
                }
            }
            s.badLines = reader.badLines();
            s.firstBadLine = reader.firstBadLine();
            s.skippedRows = reader.skippedRows();
        }
        while (!running.isEmpty()) {
            finish(running.poll(), totals, s, shape);
        }
        s.lowerBoundNodeMillis =
                shape.nodesFor(s.resourceMillis[0], s.resourceMillis[1], s.resourceMillis[2], s.resourceMillis[3]);
        return s;
    }

    private static void finish(TraceJob done, RunningTotals totals, TraceStats s, NodeShape shape) {
        totals.add(done, -1);
        s.demand.set(end(done), Math.max(0, totals.nodes(shape)));
    }

    /** Requests of the rows running at once in the ideal schedule. */
    private static final class RunningTotals {
        double cpu;
        double memory;
        double gpu;
        double pods;

        void add(TraceJob job, int sign) {
            double n = (double) sign * job.count();
            cpu += job.cpuMillis() * n;
            memory += job.memoryMillis() * n;
            gpu += job.gpus() * n;
            pods += n;
        }

        double nodes(NodeShape shape) {
            return shape.nodesFor(cpu, memory, gpu, pods);
        }
    }

    private static long end(TraceJob job) {
        return job.submitMillis() + job.durationMillis();
    }
}
