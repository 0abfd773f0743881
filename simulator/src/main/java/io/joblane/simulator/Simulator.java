package io.joblane.simulator;

import io.joblane.model.GoDuration;
import io.joblane.simulator.cluster.NodeShape;
import io.joblane.simulator.policy.ClusterAutoscalerPolicy;
import io.joblane.simulator.policy.ScalingPolicy;
import io.joblane.simulator.policy.StaticPolicy;
import io.joblane.simulator.report.PolicyResult;
import io.joblane.simulator.trace.TraceFormatException;
import io.joblane.simulator.trace.TraceSource;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the chosen policies on one trace: a first pass for the trace's statistics and lower bound, static sizing,
 * then one simulation per policy. Called by {@link SimulateCommand} and by tests; single-threaded.
 */
public final class Simulator {
    public static final String JOBLANE = "joblane";
    /** Joblane with its Job pods placed by the chart's packing scheduler (NodeResourcesFit MostAllocated). */
    public static final String JOBLANE_PACKING = "joblane-packing";
    public static final String CLUSTER_AUTOSCALER = "cluster-autoscaler";
    public static final String CLUSTER_AUTOSCALER_UNSAFE = "cluster-autoscaler-unsafe";
    public static final String STATIC = "static";
    public static final List<String> POLICIES = List.of(JOBLANE, JOBLANE_PACKING, CLUSTER_AUTOSCALER, CLUSTER_AUTOSCALER_UNSAFE, STATIC);
    /** Static sizing grows its guess by this factor until no Job waits. */
    static final double STATIC_GROWTH = 1.1;
    static final int STATIC_TRIES = 30;

    /** The outcome: the trace's figures and one result per policy, in the order asked. */
    /** @param settings the simulation's knobs in one human line, for the table and the report */
    public record Comparison(String trace, String settings, NodeShape shape, long jobs, long jobsNeverFit, long firstNeverFitLine, long badLines, String firstBadLine,
            long skippedRows, double lowerBoundNodeHours, double peakDemandNodes, double demandWidthSeconds,
            double[] demand, List<PolicyResult> results) {
    }

    private final Simulation.Settings settings;
    private final JoblanePolicyFactory joblane;

    /**
     * Builds the Joblane policy for one run, its pods placed by the default scheduler or, with {@code packing}, by
     * the packing scheduler; the simulator owns nothing of the real loop itself.
     */
    @FunctionalInterface
    public interface JoblanePolicyFactory {
        ScalingPolicy create(Simulation.Settings settings, boolean packing);
    }

    Simulator(Simulation.Settings settings, JoblanePolicyFactory joblane) {
        this.settings = settings;
        this.joblane = joblane;
    }

    public Comparison run(TraceSource source, List<String> policies, PrintStream progress)
            throws IOException, TraceFormatException {
        TraceStats stats = TraceStats.of(source, settings.shape(), settings.seriesWidthMillis());
        Simulation simulation = new Simulation(source, stats, settings, progress);
        List<PolicyResult> results = new ArrayList<>();
        for (String name : policies) {
            results.add(switch (name) {
                case JOBLANE -> simulation.run(joblane.create(settings, false));
                case JOBLANE_PACKING -> simulation.run(joblane.create(settings, true));
                case CLUSTER_AUTOSCALER -> simulation.run(new ClusterAutoscalerPolicy(true,
                        settings.bootDelayMillis(), settings.maxNodes()));
                case CLUSTER_AUTOSCALER_UNSAFE -> simulation.run(new ClusterAutoscalerPolicy(false,
                        settings.bootDelayMillis(), settings.maxNodes()));
                case STATIC -> staticRun(simulation, stats);
                default -> throw new IllegalArgumentException("unknown policy \"" + name + "\" (use " + POLICIES + ")");
            });
        }
        return new Comparison(source.describe(), describeSettings(), settings.shape(), stats.jobs, stats.jobsNeverFit,
                stats.firstNeverFit == null ? 0 : stats.firstNeverFit.line(), stats.badLines, stats.firstBadLine,
                stats.skippedRows, stats.lowerBoundNodeMillis / 3_600_000.0, stats.peakDemandNodes,
                stats.demand.widthMillis() / 1000.0, stats.demand.values(), results);
    }

    private String describeSettings() {
        return "boot delay " + GoDuration.format(Duration.ofMillis(settings.bootDelayMillis())) + ", scan every "
                + GoDuration.format(Duration.ofMillis(settings.scanIntervalMillis())) + ", max nodes " + settings.maxNodes()
                + ", seed " + settings.seed() + ", " + joblane;
    }

    /**
     * The static group sized for the peak: the smallest size, from ceil(peak demand) growing by 10% (at least one node)
     * per try, at which the scheduler starts every Job the moment it is submitted. Each try stops at the first Job that
     * would wait; the try that passes is the result.
     */
    static PolicyResult staticRun(Simulation simulation, TraceStats stats) throws IOException, TraceFormatException {
        int nodes = Math.max(1, (int) Math.ceil(stats.peakDemandNodes - 1e-9));
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
