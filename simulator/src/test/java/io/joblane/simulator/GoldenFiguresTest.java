package io.joblane.simulator;

import static io.joblane.model.Quantity.GI;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.joblane.simulator.cluster.NodeShape;
import io.joblane.simulator.policy.JoblanePolicy;
import io.joblane.simulator.report.PolicyResult;
import io.joblane.simulator.trace.SyntheticTrace;
import io.joblane.simulator.trace.TraceFormat;
import io.joblane.simulator.trace.TraceFormatException;
import io.joblane.simulator.trace.TraceJob;
import io.joblane.simulator.trace.TraceReader;
import io.joblane.simulator.trace.TraceSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Pins every figure of every policy, exactly, on small traces, so that work on the simulator's or the planner's speed
 * cannot change a decision unnoticed. The golden files were captured before the speed work; a change that moves a
 * figure on purpose (a new algorithm) regenerates them with {@code -Dgolden.update=true} and says so in its commit.
 */
class GoldenFiguresTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden");
    private static final Path RICC = Path.of("../../shared/traces/pwa-ricc-2010/RICC-2010-2.swf.gz");

    @Test
    void exampleTraceWithDefaults() throws Exception {
        checkExample();
    }

    /** Sparse: about 130 Jobs a day over a month on small nodes, so the cluster idles and empties between bursts. */
    @Test
    void sparseSyntheticMonth() throws Exception {
        checkSparse();
    }

    /**
     * Guards the scans the simulation skips: run them all, fail if one that would have been skipped acts (a policy's
     * next-wanted-scan promised too much, say a new delay in the planner without its deadline), same figures.
     */
    @Test
    void noSkippedScanWouldHaveActed() throws Exception {
        Simulation.verifySkips = true;
        try {
            checkExample();
            checkSparse();
        } finally {
            Simulation.verifySkips = false;
        }
    }

    /** Guards the parallel runner: policies on several threads must give the same figures, in the same order. */
    @Test
    void policiesOnThreeThreadsGiveTheSameFigures() throws Exception {
        threads = 3;
        try {
            checkExample();
        } finally {
            threads = 1;
        }
    }

    /** The pool starts the costliest policies first and the shortest last (results: the three-thread test above). */
    @Test
    void thePoolStartsTheCostliestPoliciesFirst() {
        java.util.List<String> asked = Simulator.DEFAULT_POLICIES;
        assertThat(Simulator.startOrder(asked).stream().map(asked::get).toList())
                .containsExactly(
                        Simulator.JOBLANE,
                        Simulator.JOBLANE_NO_LANES,
                        Simulator.JOBLANE_SPREAD,
                        Simulator.CLUSTER_AUTOSCALER_UNSAFE,
                        Simulator.CLUSTER_AUTOSCALER,
                        Simulator.CLUSTER_AUTOSCALER_PACKING,
                        Simulator.CLUSTER_AUTOSCALER_ON_COMPLETION,
                        Simulator.CLUSTER_AUTOSCALER_ON_COMPLETION_PACKING,
                        Simulator.KARPENTER,
                        Simulator.KARPENTER_PACKING,
                        Simulator.CLAIRVOYANT,
                        Simulator.STATIC);
        java.util.List<String> reversed = new java.util.ArrayList<>(asked);
        java.util.Collections.reverse(reversed);
        assertThat(Simulator.startOrder(reversed).stream().map(reversed::get).toList())
                .as("the asked order within a class")
                .startsWith(Simulator.JOBLANE_SPREAD, Simulator.JOBLANE_NO_LANES, Simulator.JOBLANE)
                .endsWith(Simulator.STATIC, Simulator.CLAIRVOYANT);
    }

    private static int threads = 1;

    private static void checkExample() throws Exception {
        SimulateCommand defaults = new SimulateCommand();
        new picocli.CommandLine(defaults).parseArgs("--trace", ExampleTraceGoldenTest.EXAMPLE.toString());
        check(
                "example.txt",
                defaults.settings(),
                TraceSource.file(ExampleTraceGoldenTest.EXAMPLE, TraceFormat.CSV, false, null, 16, 1L << 40));
    }

    private static void checkSparse() throws Exception {
        NodeShape shape = new NodeShape(8_000, 32 * GI, 0, 110, 250, GI / 2, 3);
        check(
                "synthetic-sparse.txt",
                new Simulation.Settings(shape, 90_000, 10_000, 5000, 7, 0.768, 60_000),
                new SyntheticTrace(4000, 30, 7));
    }

    /**
     * The first Jobs of RICC 2010 on the small nodes: wide jobs split into many pods, one per node, up to the
     * 5,000-node cap. Minutes of CPU (Joblane's real loop over thousands of nodes), so only with {@code -Dgolden.slow=true}.
     */
    @Test
    void riccHead() throws Exception {
        assumeTrue(Boolean.getBoolean("golden.slow"), "skipped: minutes of CPU; run with -Dgolden.slow=true");
        Path ricc = Path.of("").toAbsolutePath().resolve(RICC).normalize();
        assumeTrue(Files.isReadable(ricc), "skipped: " + ricc + " is not there (the shared traces sit beside a clone)");
        NodeShape shape = new NodeShape(8_000, 12 * GI, 0, 110, 250, GI / 2, 3);
        check(
                "ricc-head.txt",
                new Simulation.Settings(shape, 90_000, 10_000, 5000, 1, 0.768, 60_000),
                head(TraceSource.file(ricc, TraceFormat.SWF, false, null, 7, 2 * GI), 1500));
    }

    private static void check(String name, Simulation.Settings settings, TraceSource source) throws Exception {
        Simulator.Comparison c = new Simulator(settings, JoblanePolicy.factory(Duration.ofMinutes(10), 2))
                .threads(threads)
                .run(source, Simulator.POLICIES, null);
        String figures = figures(c);
        Path file = GOLDEN.resolve(name);
        if (Boolean.getBoolean("golden.update")) {
            Files.createDirectories(GOLDEN);
            Files.writeString(file, figures, StandardCharsets.UTF_8);
        }
        assertThat(figures).as(name).isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
    }

    /** Every figure of the result, doubles in full precision, and the node series as a checksum. */
    static String figures(Simulator.Comparison c) {
        StringBuilder out = new StringBuilder();
        out.append("jobs ")
                .append(c.jobs())
                .append(" lowerBound ")
                .append(c.lowerBoundNodeHours())
                .append(" peakDemand ")
                .append(c.peakDemandNodes())
                .append('\n');
        for (PolicyResult r : c.results()) {
            out.append(String.format(
                    Locale.ROOT,
                    "%s nodeHours=%s util=%s started=%d interrupted=%d interruptions=%d"
                            + " lostHours=%s wait=%s/%s/%s actions=%d peak=%d static=%d podsOnRemoved=%d makespan=%s"
                            + " series=%d:%d%n",
                    r.policy(),
                    r.nodeHours(),
                    r.meanUtilization(),
                    r.jobsStarted(),
                    r.jobsInterrupted(),
                    r.interruptions(),
                    r.lostComputeHours(),
                    r.waitSecondsP50(),
                    r.waitSecondsP95(),
                    r.waitSecondsMax(),
                    r.scaleActions(),
                    r.peakNodes(),
                    r.staticNodes(),
                    r.podsOnRemovedNodes(),
                    r.makespanHours(),
                    r.nodeSeries().length,
                    Arrays.hashCode(r.nodeSeries())));
        }
        return out.toString();
    }

    /** The first {@code rows} rows of a trace. */
    static TraceSource head(TraceSource source, long rows) {
        return new TraceSource() {
            @Override
            public TraceReader open() throws IOException, TraceFormatException {
                TraceReader in = source.open();
                return new TraceReader() {
                    private long read;

                    @Override
                    public TraceJob next() throws IOException, TraceFormatException {
                        return read++ < rows ? in.next() : null;
                    }

                    @Override
                    public long badLines() {
                        return in.badLines();
                    }

                    @Override
                    public long skippedRows() {
                        return in.skippedRows();
                    }

                    @Override
                    public void close() throws IOException {
                        in.close();
                    }
                };
            }

            @Override
            public String describe() {
                return "the first " + rows + " rows of " + source.describe();
            }
        };
    }
}
