package io.joblane.simulator;

import static io.joblane.model.Quantity.GI;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.joblane.simulator.cluster.SimCluster;
import io.joblane.simulator.policy.ScalingPolicy;
import io.joblane.simulator.trace.TraceFormat;
import io.joblane.simulator.trace.TraceSource;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A policy woken at the time it asked for, the cluster unchanged since, runs only the steps due when it says no whole
 * scan is (Joblane's lanes publishing a held-back family table); the check of skipped scans runs the whole scan there
 * and fails if it acts.
 */
class StepsOnlyWakeTest {
    private static final long WAKE = 30_000;

    @TempDir
    Path dir;

    @Test
    void aWakeForAStepOfItsOwnRunsOnlyThatStep() throws Exception {
        StepWaker policy = new StepWaker(false);
        run(policy);
        assertThat(policy.stepsOnly).as("at the wake, 30 s after the submit").isEqualTo(1);
        assertThat(policy.wholeScans)
                .as("at the submit and at the completion an hour later")
                .isEqualTo(2);
    }

    @Test
    void aWholeScanThatWouldActWhereOnlyStepsRunFailsTheCheck() {
        StepWaker policy = new StepWaker(true);
        Simulation.verifySkips = true;
        try {
            assertThatThrownBy(() -> run(policy))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cut to the steps due");
        } finally {
            Simulation.verifySkips = false;
        }
        assertThat(policy.stepsOnly).as("the check runs the whole scan instead").isZero();
    }

    /** One Job of an hour on the node the policy launched at the start. */
    private void run(ScalingPolicy policy) throws Exception {
        Path file = Files.writeString(dir.resolve("one.csv"), "submit,duration,cpu,memory\n0,3600,1,1Gi\n");
        TraceSource source = TraceSource.file(file, TraceFormat.CSV, false, null, 16, GI);
        Simulation.Settings s = SimulatorInvariantsTest.settings(SimulatorInvariantsTest.shape(16, 64), 1);
        TraceStats stats = TraceStats.of(source, s.shape(), s.seriesWidthMillis());
        new Simulation(source, stats, s, null).run(policy);
    }

    /** Asks once to be woken at {@link #WAKE} for a step of its own; a whole scan there acts if told to. */
    private static final class StepWaker implements ScalingPolicy {
        private final boolean wholeScanActsAtWake;
        private boolean woken;
        int wholeScans;
        int stepsOnly;

        StepWaker(boolean wholeScanActsAtWake) {
            this.wholeScanActsAtWake = wholeScanActsAtWake;
        }

        @Override
        public String name() {
            return "step-waker";
        }

        @Override
        public boolean jobsAnnotatedSafeToEvictFalse() {
            return true;
        }

        @Override
        public void start(SimCluster cluster, long now) {
            cluster.launch("i-a", now, now);
        }

        @Override
        public boolean scan(SimCluster cluster, long now) {
            wholeScans++;
            return wholeScanActsAtWake && now == WAKE;
        }

        @Override
        public long nextScanWanted(SimCluster cluster, long now) {
            if (woken || now >= WAKE) {
                woken = true;
                return Long.MAX_VALUE;
            }
            return WAKE;
        }

        @Override
        public boolean wholeScanDue(long now) {
            return false;
        }

        @Override
        public boolean scanDueStepsOnly(SimCluster cluster, long now) {
            stepsOnly++;
            return false;
        }

        @Override
        public long scaleActions() {
            return 0;
        }
    }
}
