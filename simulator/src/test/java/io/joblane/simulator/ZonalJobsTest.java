package io.joblane.simulator;

import static io.joblane.model.Quantity.GI;
import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.simulator.cluster.NodeShape;
import io.joblane.simulator.cluster.SimCluster;
import io.joblane.simulator.cluster.SimNode;
import io.joblane.simulator.cluster.SimPod;
import io.joblane.simulator.policy.JoblanePolicy;
import io.joblane.simulator.report.PolicyResult;
import io.joblane.simulator.trace.SyntheticTrace;
import io.joblane.simulator.trace.TraceFormat;
import io.joblane.simulator.trace.TraceJob;
import io.joblane.simulator.trace.TraceReader;
import io.joblane.simulator.trace.TraceSource;
import io.joblane.simulator.trace.ZonalJobs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Jobs pinned to a zone (as by a zonal volume): the scheduler's zone filter and the real loop's zone-aware plan. */
class ZonalJobsTest {
    @TempDir
    Path dir;

    @Test
    void theSchedulerBindsAZonalPodOnlyToANodeOfItsZone() {
        NodeShape shape = SimulatorInvariantsTest.shape(16, 64);
        SimCluster cluster = new SimCluster(shape, SimCluster.Scoring.MOST_ALLOCATED, 1, 60_000);
        SimNode a = cluster.launch("i-a", 0, 0);
        SimNode b = cluster.launch("i-b", 0, 0);
        assertThat(List.of(a.zone, b.zone)).containsExactly("zone-a", "zone-b");
        SimPod pod = new SimPod(1, 1000, 1000, 0, 60_000, 0, false);
        pod.zone = "zone-b";
        SimPod nowhere = new SimPod(2, 1000, 1000, 0, 60_000, 0, false);
        nowhere.zone = "zone-c";
        SimPod small = new SimPod(3, 500, 500, 0, 60_000, 0, false);
        cluster.submit(nowhere);
        cluster.submit(pod);
        cluster.submit(small);

        cluster.schedule(0);

        assertThat(pod.node).isSameAs(b);
        assertThat(nowhere.node).isNull();
        // A zonal pod that found no node says nothing of smaller pods of any zone.
        assertThat(small.node).isNotNull();
    }

    @Test
    void everyZonalJobStartsUnderTheRealLoopAndNoneIsInterrupted() throws Exception {
        // Guards against: Jobs pinned to a zone whose group has free nodes only elsewhere waiting forever.
        NodeShape shape = SimulatorInvariantsTest.shape(8, 32);
        for (long seed = 1; seed <= 3; seed++) {
            TraceSource trace = ZonalJobs.of(new SyntheticTrace(150, 0.3, seed), 1.0, SimCluster.ZONES, seed);
            Simulator simulator = new Simulator(
                    SimulatorInvariantsTest.settings(shape, seed), JoblanePolicy.factory(Duration.ofMinutes(10), 2));
            PolicyResult r = simulator
                    .run(trace, List.of(Simulator.JOBLANE), null)
                    .results()
                    .get(0);
            assertThat(r.jobsStarted()).as("seed " + seed).isEqualTo(r.jobs());
            assertThat(r.jobsInterrupted()).as("seed " + seed).isZero();
        }
    }

    @Test
    void everyZonalJobStartsUnderEveryPeerModelAndOnlyTheUnsafeOneInterrupts() throws Exception {
        // Guards against: a peer model that buys nodes in the wrong zone leaving zonal Jobs waiting for good.
        NodeShape shape = SimulatorInvariantsTest.shape(8, 32);
        TraceSource trace = ZonalJobs.of(new SyntheticTrace(150, 0.3, 2), 1.0, SimCluster.ZONES, 2);
        List<String> peers = Simulator.DEFAULT_POLICIES.stream()
                .filter(p -> !p.startsWith(Simulator.JOBLANE))
                .toList();
        Simulator simulator = new Simulator(
                SimulatorInvariantsTest.settings(shape, 2), JoblanePolicy.factory(Duration.ofMinutes(10), 2));
        for (PolicyResult r : simulator.run(trace, peers, null).results()) {
            assertThat(r.jobsStarted()).as(r.policy()).isEqualTo(r.jobs());
            if (!r.policy().equals(Simulator.CLUSTER_AUTOSCALER_UNSAFE)) {
                assertThat(r.jobsInterrupted()).as(r.policy()).isZero();
            }
        }
    }

    @Test
    void theShareDecidesHowManyRowsArePinnedAndACsvZoneIsKept() throws Exception {
        String csv = "submit,duration,cpu,memory,zone\n0,60,1,1Gi,zone-c\n" + "1,60,1,1Gi,\n".repeat(999);
        Path file = dir.resolve("zonal.csv");
        Files.writeString(file, csv);
        TraceSource source = TraceSource.file(file, TraceFormat.CSV, false, null, 64, 4 * GI);
        int pinned = 0;
        try (TraceReader r = ZonalJobs.of(source, 0.3, SimCluster.ZONES, 7).open()) {
            assertThat(r.next().zone()).isEqualTo("zone-c");
            for (TraceJob j = r.next(); j != null; j = r.next()) {
                pinned += j.zone().isEmpty() ? 0 : 1;
                assertThat(j.zone()).isIn("", "zone-a", "zone-b", "zone-c");
            }
        }
        assertThat(pinned).isBetween(240, 360);
        assertThat(ZonalJobs.of(source, 0, SimCluster.ZONES, 7)).isSameAs(source);
    }

    @Test
    void joblaneRunsOneAutoScalingGroupPerZoneAndBuysTheNodeInThePinnedZone() throws Exception {
        // Guards against: the joblane policies running one multi-zone group whose cloud picks the zone, so a node
        // bought for a zone-b Job starts in zone-a and another is bought (the peers raise the zone's own group).
        // Four Jobs of a node each, all pinned to zone-c: four nodes, all in zone-c, none elsewhere.
        String csv = "submit,duration,cpu,memory,zone\n" + "0,3600,6,1Gi,zone-c\n".repeat(4);
        Path file = dir.resolve("zone-c.csv");
        Files.writeString(file, csv);
        TraceSource source = TraceSource.file(file, TraceFormat.CSV, false, null, 64, 4 * GI);
        NodeShape shape = SimulatorInvariantsTest.shape(8, 32);
        Simulator simulator = new Simulator(
                SimulatorInvariantsTest.settings(shape, 1), JoblanePolicy.factory(Duration.ofMinutes(10), 2));
        PolicyResult r = simulator
                .run(source, List.of(Simulator.JOBLANE), null)
                .results()
                .get(0);

        assertThat(r.jobsStarted()).isEqualTo(4);
        assertThat(r.peakNodes()).isEqualTo(4);
    }
}
