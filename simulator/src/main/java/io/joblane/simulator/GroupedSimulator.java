package io.joblane.simulator;

import io.joblane.model.WellKnown;
import io.joblane.model.config.GroupRouter;
import io.joblane.model.config.NodeGroup;
import io.joblane.simulator.report.PolicyResult;
import io.joblane.simulator.report.Series;
import io.joblane.simulator.trace.ForwardingTraceReader;
import io.joblane.simulator.trace.TraceFormatException;
import io.joblane.simulator.trace.TraceJob;
import io.joblane.simulator.trace.TraceReader;
import io.joblane.simulator.trace.TraceSource;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Several node groups in one simulation: every trace row is routed to a group as the webhook routes its pods
 * ({@link GroupRouter}: the row's {@code group} as the {@code joblane.io/node-group} annotation, else the groups'
 * resource rules, else the default group), then each group runs every policy on its own rows with its own shape and
 * settings, and the figures are summed. A pod only ever lands on its group's nodes (the webhook's nodeSelector), and
 * every policy modelled sizes each group on its own, so a group's run is the same alone as beside the others.
 * Single-threaded.
 */
public final class GroupedSimulator implements RunTimings {

    /** One group's comparison, under its name, with the price its cost column used. */
    public record GroupComparison(String name, double pricePerNodeHour, Simulator.Comparison comparison) {}

    /**
     * The outcome: one comparison per group and their total (each policy's figures summed over the groups).
     *
     * @param jobsRefused Jobs whose {@code group} names no configured group: the webhook refuses such a pod
     * @param jobsOutside Jobs routed to a configured group that is not simulated (no {@code scaling} section, or
     *     not among the groups asked for)
     */
    public record Outcome(
            Simulator.Comparison total,
            List<GroupComparison> groups,
            long jobsRefused,
            long firstRefusedLine,
            long jobsOutside,
            Map<String, Long> jobsOutsideByGroup) {}

    private final GroupRouter router;
    private final List<SimGroup> groups;
    private final List<Long> seeds;
    private final Map<String, Double> wallSeconds = new LinkedHashMap<>();
    private final Map<String, Double> cpuSecondsByPolicy = new LinkedHashMap<>();
    private final Map<String, LoopCounts> loopCounts = new LinkedHashMap<>();
    private int threads = 1;
    private double cpuSeconds;

    public GroupedSimulator(GroupRouter router, List<SimGroup> groups, List<Long> seeds) {
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("at least one group");
        }
        this.router = router;
        this.groups = List.copyOf(groups);
        this.seeds = List.copyOf(seeds);
    }

    /** Policies simulated at once within each group (see {@link Simulator#threads}). */
    public GroupedSimulator threads(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("threads must be at least 1, not " + count);
        }
        this.threads = count;
        return this;
    }

    /** CPU seconds of the simulating threads over every group in the last {@link #run} (for {@code --timing}). */
    @Override
    public double cpuSeconds() {
        return cpuSeconds;
    }

    /** Wall seconds of each policy over every group in the last {@link #run}, in order (for {@code --timing}). */
    @Override
    public Map<String, Double> wallSeconds() {
        return wallSeconds;
    }

    /** CPU seconds of each policy over every group in the last {@link #run}, in order (for {@code --timing}). */
    @Override
    public Map<String, Double> cpuSecondsByPolicy() {
        return cpuSecondsByPolicy;
    }

    /** What each Joblane policy's loop did over every group in the last {@link #run} (summed over groups and seeds). */
    @Override
    public Map<String, LoopCounts> loopCounts() {
        return loopCounts;
    }

    /** The group a row's pods go to, or null when the row names a group that is not configured. */
    public String groupOf(TraceJob job) {
        Map<String, Long> requests = new HashMap<>(4);
        requests.put(WellKnown.RESOURCE_CPU, job.cpuMillis());
        requests.put(WellKnown.RESOURCE_MEMORY, job.memoryMillis());
        requests.put(WellKnown.RESOURCE_NVIDIA_GPU, job.gpus() * 1000);
        return router.route(job.group(), requests).map(NodeGroup::name).orElse(null);
    }

    public Outcome run(TraceSource source, List<String> policies, PrintStream progress)
            throws IOException, TraceFormatException {
        Outcome routing = countOutsiders(source);
        List<GroupComparison> done = new ArrayList<>();
        wallSeconds.clear();
        cpuSecondsByPolicy.clear();
        loopCounts.clear();
        cpuSeconds = 0;
        for (SimGroup g : groups) {
            Simulator simulator = new Simulator(g.settings(), g.joblane(), seeds).threads(threads);
            Simulator.Comparison c = simulator.run(routed(source, g.name()), policies, progress);
            done.add(new GroupComparison(g.name(), g.settings().pricePerNodeHour(), c));
            simulator.wallSeconds().forEach((p, s) -> wallSeconds.merge(p, s, Double::sum));
            simulator.cpuSecondsByPolicy().forEach((p, s) -> cpuSecondsByPolicy.merge(p, s, Double::sum));
            simulator.loopCounts().forEach((p, n) -> loopCounts.merge(p, n, LoopCounts::plus));
            cpuSeconds += simulator.cpuSeconds();
        }
        return new Outcome(
                total(source, done),
                done,
                routing.jobsRefused(),
                routing.firstRefusedLine(),
                routing.jobsOutside(),
                routing.jobsOutsideByGroup());
    }

    /** One pass over the trace for the rows no simulated group takes. */
    private Outcome countOutsiders(TraceSource source) throws IOException, TraceFormatException {
        Set<String> simulated = groups.stream().map(SimGroup::name).collect(Collectors.toSet());
        long refused = 0;
        long firstRefused = 0;
        Map<String, Long> outside = new LinkedHashMap<>();
        try (TraceReader reader = source.open()) {
            for (TraceJob job = reader.next(); job != null; job = reader.next()) {
                String group = groupOf(job);
                if (group == null) {
                    refused += job.count();
                    firstRefused = firstRefused == 0 ? job.line() : firstRefused;
                } else if (!simulated.contains(group)) {
                    outside.merge(group, (long) job.count(), Long::sum);
                }
            }
        }
        long outsideJobs = outside.values().stream().mapToLong(Long::longValue).sum();
        return new Outcome(null, List.of(), refused, firstRefused, outsideJobs, outside);
    }

    /** The rows of {@code source} routed to {@code group}; bad lines and rows skipped by rule as the source counts them. */
    TraceSource routed(TraceSource source, String group) {
        return new TraceSource() {
            @Override
            public TraceReader open() throws IOException, TraceFormatException {
                TraceReader all = source.open();
                return new ForwardingTraceReader(all) {
                    @Override
                    public TraceJob next() throws IOException, TraceFormatException {
                        TraceJob job = all.next();
                        while (job != null && !group.equals(groupOf(job))) {
                            job = all.next();
                        }
                        return job;
                    }
                };
            }

            @Override
            public String describe() {
                return source.describe() + ", the rows routed to " + group;
            }
        };
    }

    /** Every policy's figures summed over the groups; the trace's counts summed, its bad lines counted once. */
    private Simulator.Comparison total(TraceSource source, List<GroupComparison> done) {
        List<Simulator.Comparison> parts =
                done.stream().map(GroupComparison::comparison).toList();
        Simulator.Comparison first = parts.get(0);
        List<PolicyResult> results = new ArrayList<>();
        for (int i = 0; i < first.results().size(); i++) {
            int index = i;
            results.add(PolicyResult.sum(
                    parts.stream().map(c -> c.results().get(index)).toList()));
        }
        Series.Sum demand = Series.Sum.EMPTY;
        for (Simulator.Comparison c : parts) {
            demand = demand.plus(c.demand(), c.demandWidthSeconds());
        }
        long firstNeverFit = parts.stream()
                .mapToLong(Simulator.Comparison::firstNeverFitLine)
                .filter(l -> l > 0)
                .min()
                .orElse(0);
        String names = done.stream().map(GroupComparison::name).collect(Collectors.joining(", "));
        return new Simulator.Comparison(
                source.describe(),
                "node groups " + names + ", each with its own settings",
                null,
                parts.stream().mapToLong(Simulator.Comparison::jobs).sum(),
                parts.stream().mapToLong(Simulator.Comparison::jobsNeverFit).sum(),
                firstNeverFit,
                first.badLines(),
                first.firstBadLine(),
                first.skippedRows(),
                parts.stream()
                        .mapToDouble(Simulator.Comparison::lowerBoundNodeHours)
                        .sum(),
                parts.stream()
                        .mapToDouble(Simulator.Comparison::peakDemandNodes)
                        .sum(),
                demand.widthSeconds(),
                demand.values(),
                results,
                Map.of());
    }
}
