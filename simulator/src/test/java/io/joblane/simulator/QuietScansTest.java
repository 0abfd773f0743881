package io.joblane.simulator;

import static io.joblane.model.Quantity.GI;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.joblane.simulator.cluster.SimCluster;
import io.joblane.simulator.cluster.SimNode;
import io.joblane.simulator.policy.ScalingPolicy;
import io.joblane.simulator.trace.TraceFormat;
import io.joblane.simulator.trace.TraceSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the simulation runs of a policy while the cluster is quiet. A lane-end label is the scaler's own output, which
 * its planner never reads: a scan after a scan that only wrote labels is skipped as after a scan that changed nothing.
 * At the time a policy asked to be woken, only the steps due run when it says no whole scan is (Joblane's lanes
 * publishing a held-back family table). The check of skipped scans runs the whole scans and fails if one would act or
 * write a label.
 */
class QuietScansTest {
    private static final long WAKE = 30_000;

    @TempDir
    Path dir;

    @Test
    void aScanThatOnlyWroteLaneEndsIsFollowedByNoScanUntilTheClusterChanges() throws Exception {
        LaneWriter policy = new LaneWriter(List.of("100"));
        run(policy);
        assertThat(policy.wholeScans)
                .as("the scan at the submit (labels the node) and the one at the completion an hour later")
                .isEqualTo(2);
        assertThat(policy.node.laneEnd).isEqualTo("100");
    }

    @Test
    void aSkippedScanThatWouldWriteALaneEndFailsTheCheckOfSkippedScans() {
        LaneWriter policy = new LaneWriter(List.of("100", "200"));
        assertThatThrownBy(() -> runCheckingSkips(policy)).hasMessageContaining("would have been skipped");
        assertThat(policy.wholeScans)
                .as("failed at the second scan, 10 s after the first")
                .isEqualTo(2);
    }

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
        assertThatThrownBy(() -> runCheckingSkips(policy)).hasMessageContaining("cut to the steps due");
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

    private void runCheckingSkips(ScalingPolicy policy) throws Exception {
        Simulation.verifySkips = true;
        try {
            run(policy);
        } finally {
            Simulation.verifySkips = false;
        }
    }

    /** A policy that launches one node at the start and counts its whole scans. */
    private abstract static class Stub implements ScalingPolicy {
        SimNode node;
        int wholeScans;

        @Override
        public String name() {
            return getClass().getSimpleName();
        }

        @Override
        public boolean jobsAnnotatedSafeToEvictFalse() {
            return true;
        }

        @Override
        public void start(SimCluster cluster, long now) {
            node = cluster.launch("i-a", now, now);
        }

        @Override
        public long scaleActions() {
            return 0;
        }
    }

    /** Writes, at its n-th scan, the n-th of its labels (the last one from then on) and does nothing else. */
    private static final class LaneWriter extends Stub {
        private final List<String> labels;

        LaneWriter(List<String> labels) {
            this.labels = labels;
        }

        @Override
        public boolean scan(SimCluster cluster, long now) {
            cluster.setLaneEnd(node, labels.get(Math.min(wholeScans++, labels.size() - 1)));
            return false;
        }

        @Override
        public long nextScanWanted(SimCluster cluster, long now) {
            return Long.MAX_VALUE;
        }
    }

    /** Asks once to be woken at {@link #WAKE} for a step of its own; a whole scan there acts if told to. */
    private static final class StepWaker extends Stub {
        private final boolean wholeScanActsAtWake;
        private boolean woken;
        int stepsOnly;

        StepWaker(boolean wholeScanActsAtWake) {
            this.wholeScanActsAtWake = wholeScanActsAtWake;
        }

        @Override
        public boolean scan(SimCluster cluster, long now) {
            wholeScans++;
            return wholeScanActsAtWake && now == WAKE;
        }

        @Override
        public long nextScanWanted(SimCluster cluster, long now) {
            woken |= now >= WAKE;
            return woken ? Long.MAX_VALUE : WAKE;
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
    }
}
