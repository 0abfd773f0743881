package io.joblane.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.simulator.policy.JoblanePolicy;
import io.joblane.simulator.report.PolicyResult;
import io.joblane.simulator.trace.TraceFormat;
import io.joblane.simulator.trace.TraceSource;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The README's first command, as a test: on the shipped example trace the policies keep their ORDER (exact numbers
 * move with the planner): Joblane uses fewer node-hours than cluster-autoscaler without interrupting a Job,
 * cluster-autoscaler-unsafe saves more by killing Jobs, static pays the most and never makes a Job wait. Joblane with
 * the packing scheduler uses fewer node-hours than with the default one at the default maxDraining 2 (about 25% fewer
 * for scheduler seeds 1-10, simulator/README.md; not so at maxDraining 50, where both are near 500).
 */
class ExampleTraceGoldenTest {
    static final Path EXAMPLE = Path.of("../examples/traces/example.csv");

    @Test
    void policiesKeepTheirOrderOnTheExampleTrace() throws Exception {
        SimulateCommand defaults = new SimulateCommand();
        new picocli.CommandLine(defaults).parseArgs("--trace", EXAMPLE.toString());
        Simulation.Settings settings = defaults.settings();
        Simulator.Comparison c = new Simulator(settings, JoblanePolicy.factory(java.time.Duration.ofMinutes(10),
                defaults.maxDraining)).run(TraceSource.file(EXAMPLE, TraceFormat.CSV, false, null, 16, 1L << 40),
                Simulator.POLICIES, null);
        Map<String, PolicyResult> r = SimulatorInvariantsTest.byName(c);
        PolicyResult joblane = r.get(Simulator.JOBLANE);
        PolicyResult packing = r.get(Simulator.JOBLANE_PACKING);
        PolicyResult ca = r.get(Simulator.CLUSTER_AUTOSCALER);
        PolicyResult unsafe = r.get(Simulator.CLUSTER_AUTOSCALER_UNSAFE);
        PolicyResult fixed = r.get(Simulator.STATIC);

        assertThat(c.jobs()).isEqualTo(2000);
        for (PolicyResult p : c.results()) {
            assertThat(p.jobsStarted()).as(p.policy()).isEqualTo(c.jobs());
            assertThat(p.nodeHours()).as(p.policy()).isGreaterThan(c.lowerBoundNodeHours());
        }
        assertThat(joblane.nodeHours()).isLessThan(ca.nodeHours());
        assertThat(joblane.meanUtilization()).isGreaterThan(ca.meanUtilization());
        assertThat(joblane.jobsInterrupted()).isZero();
        assertThat(packing.nodeHours()).isLessThanOrEqualTo(joblane.nodeHours());
        assertThat(packing.jobsInterrupted()).isZero();
        assertThat(ca.jobsInterrupted()).isZero();
        assertThat(unsafe.jobsInterrupted()).isPositive();
        assertThat(unsafe.lostComputeHours()).isPositive();
        assertThat(fixed.nodeHours()).isGreaterThan(ca.nodeHours()).isGreaterThan(joblane.nodeHours())
                .isGreaterThan(unsafe.nodeHours());
        assertThat(fixed.waitSecondsMax()).isZero();
        assertThat(fixed.scaleActions()).isZero();
        // Autoscalers start from zero nodes, so some Jobs wait about one boot delay.
        assertThat(joblane.waitSecondsMax()).isPositive().isLessThan(30 * 60);
    }
}
