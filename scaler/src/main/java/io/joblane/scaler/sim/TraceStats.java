package io.joblane.scaler.sim;

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

    static TraceStats of(TraceSource source, NodeShape shape, long seriesWidth) throws IOException, TraceFormatException {
        TraceStats s = new TraceStats(seriesWidth);
        // Rows running in the ideal schedule, by end time; their totals are kept incrementally.
        PriorityQueue<TraceJob> running = new PriorityQueue<>((a, b) -> Long.compare(
                a.submitMillis() + a.durationMillis(), b.submitMillis() + b.durationMillis()));
        double cpu = 0;
        double memory = 0;
        double gpu = 0;
        double pods = 0;
        try (TraceReader reader = source.open()) {
            for (TraceJob job = reader.next(); job != null; job = reader.next()) {
                s.rows++;
                if (!shape.fitsEmpty(job.cpuMillis(), job.memoryMillis(), job.gpus())) {
                    s.jobsNeverFit += job.count();
                    if (s.firstNeverFit == null) {
                        s.firstNeverFit = job;
                    }
                    continue;
                }
                long now = job.submitMillis();
                while (!running.isEmpty() && end(running.peek()) <= now) {
                    TraceJob done = running.poll();
                    cpu -= (double) done.cpuMillis() * done.count();
                    memory -= (double) done.memoryMillis() * done.count();
                    gpu -= (double) done.gpus() * done.count();
                    pods -= done.count();
                    s.demand.set(end(done), Math.max(0, shape.nodesFor(cpu, memory, gpu, pods)));
                }
                if (s.firstSubmit < 0) {
                    s.firstSubmit = now;
                }
                s.lastSubmit = now;
                int n = job.count();
                s.jobs += n;
                double d = job.durationMillis();
                s.resourceMillis[0] += (double) job.cpuMillis() * n * d;
                s.resourceMillis[1] += (double) job.memoryMillis() * n * d;
                s.resourceMillis[2] += (double) job.gpus() * n * d;
                s.resourceMillis[3] += n * d;
                s.idealEnd = Math.max(s.idealEnd, end(job));
                if (job.durationMillis() > 0) {
                    running.add(job);
                    cpu += (double) job.cpuMillis() * n;
                    memory += (double) job.memoryMillis() * n;
                    gpu += (double) job.gpus() * n;
                    pods += n;
                    double nodes = shape.nodesFor(cpu, memory, gpu, pods);
                    s.peakDemandNodes = Math.max(s.peakDemandNodes, nodes);
                    s.demand.set(now, nodes);
                }
            }
            s.badLines = reader.badLines();
            s.firstBadLine = reader.firstBadLine();
            s.skippedRows = reader.skippedRows();
        }
        while (!running.isEmpty()) {
            TraceJob done = running.poll();
            cpu -= (double) done.cpuMillis() * done.count();
            memory -= (double) done.memoryMillis() * done.count();
            gpu -= (double) done.gpus() * done.count();
            pods -= done.count();
            s.demand.set(end(done), Math.max(0, shape.nodesFor(cpu, memory, gpu, pods)));
        }
        s.lowerBoundNodeMillis = shape.nodesFor(s.resourceMillis[0], s.resourceMillis[1], s.resourceMillis[2],
                s.resourceMillis[3]);
        return s;
    }

    private static long end(TraceJob job) {
        return job.submitMillis() + job.durationMillis();
    }
}
