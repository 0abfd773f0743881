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
 * move with the planner). The default install (`joblane`: the packing scheduler, maxDraining 1) uses fewer node-hours
 * than cluster-autoscaler as teams run it for Jobs (faithful model, safe-to-evict "false") and than Joblane with the
 * default scheduler, without interrupting a Job; nothing that never interrupts beats the clairvoyant reference;
 * cluster-autoscaler-unsafe saves by killing Jobs; static pays the most and never makes a Job wait.
 */
class ExampleTraceGoldenTest {
    static final Path EXAMPLE = Path.of("../examples/traces/example.csv");

    @Test
    void policiesKeepTheirOrderOnTheExampleTrace() throws Exception {
        SimulateCommand defaults = new SimulateCommand();
        new picocli.CommandLine(defaults).parseArgs("--trace", EXAMPLE.toString());
        Simulation.Settings settings = defaults.settings();
        Simulator.Comparison c = new Simulator(
                        settings, JoblanePolicy.factory(java.time.Duration.ofMinutes(10), defaults.maxDraining))
                .run(
                        TraceSource.file(EXAMPLE, TraceFormat.CSV, false, null, 16, 1L << 40),
                        Simulator.DEFAULT_POLICIES,
                        null);
        Map<String, PolicyResult> r = SimulatorInvariantsTest.byName(c);
        PolicyResult joblane = r.get(Simulator.JOBLANE);
        PolicyResult spread = r.get(Simulator.JOBLANE_SPREAD);
        PolicyResult ca = r.get(Simulator.CLUSTER_AUTOSCALER);
        PolicyResult clairvoyant = r.get(Simulator.CLAIRVOYANT);
        PolicyResult unsafe = r.get(Simulator.CLUSTER_AUTOSCALER_UNSAFE);
        PolicyResult fixed = r.get(Simulator.STATIC);

        assertThat(defaults.maxDraining)
                .as("simulate models the default install")
                .isEqualTo(1);
        assertThat(c.jobs()).isEqualTo(2000);
        for (PolicyResult p : c.results()) {
            assertThat(p.jobsStarted()).as(p.policy()).isEqualTo(c.jobs());
            assertThat(p.nodeHours()).as(p.policy()).isGreaterThan(c.lowerBoundNodeHours());
            if (p != unsafe) {
                assertThat(p.jobsInterrupted()).as(p.policy()).isZero();
                assertThat(p.nodeHours())
                        .as(p.policy() + " vs clairvoyant")
                        .isGreaterThanOrEqualTo(clairvoyant.nodeHours());
            }
        }
        assertThat(joblane.nodeHours()).isLessThan(ca.nodeHours()).isLessThan(spread.nodeHours());
        assertThat(joblane.meanUtilization()).isGreaterThan(ca.meanUtilization());
        assertThat(unsafe.jobsInterrupted()).isPositive();
        assertThat(unsafe.lostComputeHours()).isPositive();
        assertThat(fixed.nodeHours())
                .isGreaterThan(ca.nodeHours())
                .isGreaterThan(joblane.nodeHours())
                .isGreaterThan(unsafe.nodeHours());
        assertThat(fixed.waitSecondsMax()).isZero();
        assertThat(fixed.scaleActions()).isZero();
        assertThat(clairvoyant.waitSecondsMax()).isZero();
        // Autoscalers start from zero nodes, so some Jobs wait about one boot delay.
        assertThat(joblane.waitSecondsMax()).isPositive().isLessThan(30 * 60);
    }
}
