package io.joblane.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.joblane.simulator.cluster.NodeShape;
import io.joblane.simulator.cluster.SpotMarket;
import io.joblane.simulator.policy.JoblanePolicy;
import io.joblane.simulator.report.ComparisonTable;
import io.joblane.simulator.report.PolicyResult;
import io.joblane.simulator.trace.ForwardingTraceReader;
import io.joblane.simulator.trace.SyntheticTrace;
import io.joblane.simulator.trace.TraceFormatException;
import io.joblane.simulator.trace.TraceJob;
import io.joblane.simulator.trace.TraceReader;
import io.joblane.simulator.trace.TraceSource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code --spot-interruption-rate}: the cloud takes Spot nodes two minutes after a notice, through every policy the
 * same way; Jobs killed so are counted as lost to Spot, apart from the Jobs an autoscaler interrupted.
 */
class SpotSimulationTest {

    private static Simulator.Comparison run(SpotMarket spot, long seed, List<String> policies) throws Exception {
        NodeShape shape = SimulatorInvariantsTest.shape(16, 64);
        Simulation.Settings settings = new Simulation.Settings(shape, 90_000, 10_000, 5000, seed, 1.0, 60_000, spot);
        return new Simulator(settings, JoblanePolicy.factory(Duration.ofMinutes(10), 2))
                .run(new SyntheticTrace(400, 1, seed), policies, null);
    }

    @Test
    void jobsLostToSpotAreCountedApartAndJoblaneItselfInterruptsNone() throws Exception {
        // Guards against: Spot's kills counted as the scaler's interruptions, or the scaler killing Jobs on
        // noticed nodes (terminating them while busy) once Spot is in play.
        for (long seed = 1; seed <= 3; seed++) {
            Simulator.Comparison c =
                    run(new SpotMarket(0.2, 1), seed, List.of(Simulator.JOBLANE, Simulator.CLUSTER_AUTOSCALER));
            Map<String, PolicyResult> r = SimulatorInvariantsTest.byName(c);
            PolicyResult joblane = r.get(Simulator.JOBLANE);
            assertThat(joblane.spotNodesTaken()).as("seed " + seed).isPositive();
            assertThat(joblane.jobsLostToSpot()).as("seed " + seed).isPositive();
            assertThat(joblane.jobsInterrupted())
                    .as("seed " + seed + ": Joblane interrupts no Job")
                    .isZero();
            assertThat(joblane.podsOnRemovedNodes()).as("seed " + seed).isZero();
            assertThat(joblane.jobsStarted()).isEqualTo(joblane.jobs());
            assertThat(r.get(Simulator.CLUSTER_AUTOSCALER).jobsInterrupted()).isZero();
            assertThat(ComparisonTable.format(c, Double.NaN)).contains("lost to Spot");
        }
    }

    /** The synthetic trace with every Job's run time known at submit, as its deadline (what the webhook predicts from). */
    private static TraceSource knownRunTimes(long seed) {
        SyntheticTrace trace = new SyntheticTrace(400, 1, seed);
        return new TraceSource() {
            @Override
            public TraceReader open() throws java.io.IOException, TraceFormatException {
                TraceReader all = trace.open();
                return new ForwardingTraceReader(all) {
                    @Override
                    public TraceJob next() throws java.io.IOException, TraceFormatException {
                        TraceJob j = all.next();
                        return j == null
                                ? null
                                : new TraceJob(
                                        j.line(),
                                        j.submitMillis(),
                                        j.durationMillis(),
                                        j.cpuMillis(),
                                        j.memoryMillis(),
                                        j.gpus(),
                                        j.count(),
                                        j.group(),
                                        j.durationMillis(),
                                        j.family());
                    }
                };
            }

            @Override
            public String describe() {
                return trace.describe() + ", run times known";
            }
        };
    }

    private static PolicyResult joblane(Duration preferOnDemandAbove, long seed) throws Exception {
        NodeShape shape = SimulatorInvariantsTest.shape(16, 64);
        Simulation.Settings settings =
                new Simulation.Settings(shape, 90_000, 10_000, 5000, seed, 1.0, 60_000, new SpotMarket(0.2, 0.5, 0.35));
        return new Simulator(
                        settings,
                        JoblanePolicy.factory(Duration.ofMinutes(10), 2, null, null, null, preferOnDemandAbove))
                .run(knownRunTimes(seed), List.of(Simulator.JOBLANE), null)
                .results()
                .get(0);
    }

    @Test
    void preferringOnDemandForLongJobsLosesLessWorkToSpot() throws Exception {
        // Guards against: spot.preferOnDemandAbove not reaching the simulated scheduler, so long Jobs land on Spot
        // as often as short ones.
        double lostWithout = 0;
        double lostWith = 0;
        for (long seed = 1; seed <= 3; seed++) {
            PolicyResult without = joblane(null, seed);
            PolicyResult with = joblane(Duration.ofHours(1), seed);
            lostWithout += without.spotLostComputeHours();
            lostWith += with.spotLostComputeHours();
            assertThat(with.jobsInterrupted()).as("seed " + seed).isZero();
            assertThat(with.jobsStarted()).isEqualTo(with.jobs());
        }
        assertThat(lostWith).as("hours of work lost to Spot, seeds 1-3").isLessThan(lostWithout * 0.8);
    }

    @Test
    void spotNodesAreBilledAtThePriceRatio() throws Exception {
        // Guards against: the cost column billing Spot nodes at the on-demand price once a ratio is given.
        PolicyResult r = joblane(null, 1);
        assertThat(r.spotNodesTaken()).isPositive();
        assertThat(r.cost()).isLessThan(r.nodeHours() * 0.99).isGreaterThan(r.nodeHours() * 0.35);
    }

    @Test
    void withoutSpotOrWithOnlyOnDemandNothingIsTakenAndTheTableIsUnchanged() throws Exception {
        // Guards against: a rate of 0 (or no Spot share) changing the run, so the golden figures would move.
        Simulator.Comparison none = run(SpotMarket.NONE, 1, List.of(Simulator.JOBLANE));
        Simulator.Comparison onDemand = run(new SpotMarket(0.5, 0), 1, List.of(Simulator.JOBLANE));
        PolicyResult a = none.results().get(0);
        PolicyResult b = onDemand.results().get(0);
        assertThat(b.nodeHours()).isEqualTo(a.nodeHours());
        assertThat(b.spotNodesTaken()).isZero();
        assertThat(ComparisonTable.format(none, Double.NaN)).doesNotContain("Spot");
    }

    @Test
    void aRateOrShareOutOfRangeIsRefusedNamingTheFlag() {
        assertThatThrownBy(() -> new SpotMarket(-1, 1)).hasMessageContaining("--spot-interruption-rate");
        assertThatThrownBy(() -> new SpotMarket(Double.NaN, 1)).hasMessageContaining("--spot-interruption-rate");
        assertThatThrownBy(() -> new SpotMarket(0.1, 1.5)).hasMessageContaining("--spot-share");
        assertThatThrownBy(() -> new SpotMarket(0.1, 1, 0)).hasMessageContaining("--spot-price-ratio");
    }
}
