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
 * A lane-end label is the scaler's own output, which its planner never reads: a scan after a scan that only wrote
 * labels would see what that one saw, so the simulation skips it as after a scan that changed nothing, and a test run
 * that runs the skipped scans fails if one of them writes a label.
 */
class LaneEndScanSkipTest {
    @TempDir
    Path dir;

    @Test
    void aScanThatOnlyWroteLaneEndsIsFollowedByNoScanUntilTheClusterChanges() throws Exception {
        LaneWriter policy = new LaneWriter(List.of("100"));
        run(policy);
        assertThat(policy.scans)
                .as("the scan at the submit (labels the node) and the one at the completion an hour later")
                .isEqualTo(2);
        assertThat(policy.node.laneEnd).isEqualTo("100");
    }

    @Test
    void aSkippedScanThatWouldWriteALaneEndFailsTheCheckOfSkippedScans() {
        LaneWriter policy = new LaneWriter(List.of("100", "200"));
        Simulation.verifySkips = true;
        try {
            assertThatThrownBy(() -> run(policy))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("would have been skipped");
        } finally {
            Simulation.verifySkips = false;
        }
        assertThat(policy.scans)
                .as("failed at the second scan, 10 s after the first")
                .isEqualTo(2);
    }

    /** One Job of an hour on the node the policy launched at the start. */
    private void run(ScalingPolicy policy) throws Exception {
        Path file = Files.writeString(dir.resolve("one.csv"), "submit,duration,cpu,memory\n0,3600,1,1Gi\n");
        TraceSource source = TraceSource.file(file, TraceFormat.CSV, false, null, 16, GI);
        Simulation.Settings s = SimulatorInvariantsTest.settings(SimulatorInvariantsTest.shape(16, 64), 1);
        TraceStats stats = TraceStats.of(source, s.shape(), s.seriesWidthMillis());
        new Simulation(source, stats, s, null).run(policy);
    }

    /** Writes, at its n-th scan, the n-th of its labels (the last one from then on) and does nothing else. */
    private static final class LaneWriter implements ScalingPolicy {
        private final List<String> labels;
        int scans;
        SimNode node;

        LaneWriter(List<String> labels) {
            this.labels = labels;
        }

        @Override
        public String name() {
            return "lane-writer";
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
        public boolean scan(SimCluster cluster, long now) {
            cluster.setLaneEnd(node, labels.get(Math.min(scans, labels.size() - 1)));
            scans++;
            return false;
        }

        @Override
        public long nextScanWanted(SimCluster cluster, long now) {
            return Long.MAX_VALUE;
        }

        @Override
        public long scaleActions() {
            return 0;
        }
    }
}
