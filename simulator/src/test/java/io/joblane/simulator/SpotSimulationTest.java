package io.joblane.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.joblane.simulator.cluster.NodeShape;
import io.joblane.simulator.cluster.SpotMarket;
import io.joblane.simulator.policy.JoblanePolicy;
import io.joblane.simulator.report.ComparisonTable;
import io.joblane.simulator.report.PolicyResult;
import io.joblane.simulator.trace.SyntheticTrace;
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
    }
}
