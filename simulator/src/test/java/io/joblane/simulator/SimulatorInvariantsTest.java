package io.joblane.simulator;

import static io.joblane.model.Quantity.GI;
import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.simulator.cluster.NodeShape;
import io.joblane.simulator.cluster.NodeTypes;
import io.joblane.simulator.cluster.SimCluster;
import io.joblane.simulator.policy.JoblanePolicy;
import io.joblane.simulator.report.PolicyResult;
import io.joblane.simulator.trace.SyntheticTrace;
import io.joblane.simulator.trace.TraceFormat;
import io.joblane.simulator.trace.TraceSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class SimulatorInvariantsTest {

    @TempDir
    Path dir;

    static Simulation.Settings settings(NodeShape shape, long seed) {
        return new Simulation.Settings(shape, 90_000, 10_000, 5000, seed, 1.0, 60_000);
    }

    public static NodeShape shape(int cpu, int memoryGi) {
        return new NodeShape(cpu * 1000L, memoryGi * GI, 0, 110, 250, GI / 2, 3);
    }

    /** The default install's policy on {@code types}, started on {@code cluster} at time 0, for a test to drive. */
    static JoblanePolicy startedJoblane(NodeTypes types, SimCluster cluster) {
        JoblanePolicy policy = (JoblanePolicy) JoblanePolicy.factory(Duration.ofMinutes(10), 1)
                .create(
                        new Simulation.Settings(types, 90_000, 10_000, 5000, 1, 1.0, 60_000, null),
                        Simulator.JOBLANE,
                        SimCluster.Scoring.MOST_ALLOCATED,
                        0,
                        JoblanePolicy.Lanes.ON);
        policy.start(cluster, 0);
        return policy;
    }

    static Map<String, PolicyResult> byName(Simulator.Comparison c) {
        return c.results().stream().collect(Collectors.toMap(PolicyResult::policy, Function.identity()));
    }

    private static Simulator simulator(Simulation.Settings settings) {
        return new Simulator(settings, JoblanePolicy.factory(java.time.Duration.ofMinutes(10), 2));
    }

    @Test
    void invariantsHoldOverRandomWorkloads() throws Exception {
        for (long seed = 1; seed <= 12; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            NodeShape shape = random.nextBoolean() ? shape(16, 64) : shape(8, 32);
            SyntheticTrace trace = new SyntheticTrace(80 + random.nextInt(200), 0.1 + random.nextDouble() * 0.4, seed);
            Simulator.Comparison c = simulator(settings(shape, seed)).run(trace, Simulator.POLICIES, null);
            String context = "seed " + seed + " (" + trace.describe() + ")";
            for (PolicyResult r : c.results()) {
                assertThat(r.jobsStarted())
                        .as(context + ": every Job starts under " + r.policy())
                        .isEqualTo(r.jobs());
                assertThat(r.nodeHours())
                        .as(context + ": " + r.policy() + " node-hours vs lower bound")
                        .isGreaterThanOrEqualTo(r.lowerBoundNodeHours() * (1 - 1e-9));
                assertThat(r.meanUtilization()).as(context).isBetween(0.0, 1.0);
            }
            Map<String, PolicyResult> r = byName(c);
            assertThat(r.get(Simulator.STATIC).waitSecondsMax())
                    .as(context + ": static sized for peak never waits")
                    .isZero();
            assertThat(r.get(Simulator.CLUSTER_AUTOSCALER).jobsInterrupted())
                    .as(context + ": safe-to-evict=false protects Jobs from cluster-autoscaler")
                    .isZero();
            assertThat(r.get(Simulator.CLUSTER_AUTOSCALER).podsOnRemovedNodes())
                    .as(context)
                    .isZero();
            for (String safe : List.of(
                    Simulator.JOBLANE,
                    Simulator.JOBLANE_NO_LANES,
                    Simulator.JOBLANE_NO_DRAIN_ORDER,
                    Simulator.JOBLANE_SPREAD,
                    Simulator.JOBLANE_FILL_FIRST,
                    Simulator.CLUSTER_AUTOSCALER_PACKING,
                    Simulator.CLUSTER_AUTOSCALER_ON_COMPLETION,
                    Simulator.CLUSTER_AUTOSCALER_ON_COMPLETION_PACKING,
                    Simulator.KARPENTER,
                    Simulator.KARPENTER_PACKING,
                    Simulator.CLAIRVOYANT)) {
                assertThat(r.get(safe).jobsInterrupted())
                        .as(context + ": " + safe + " never interrupts a Job")
                        .isZero();
                assertThat(r.get(safe).podsOnRemovedNodes())
                        .as(context + ": " + safe + " never removes a node with a Job on it")
                        .isZero();
            }
            assertThat(r.get(Simulator.CLAIRVOYANT).waitSecondsMax())
                    .as(context + ": the clairvoyant never waits")
                    .isZero();
        }
    }

    @Test
    void unsafeClusterAutoscalerEvictsLongJobsLeftScatteredByShortOnes() throws Exception {
        // A burst of short Jobs spreads the long ones across many nodes; once the short ones finish, each node is under
        // 50% and its long Job fits elsewhere, so the unannotated autoscaler evicts it and it restarts from zero.
        StringBuilder csv = new StringBuilder("submit,duration,cpu,memory,count\n");
        for (int i = 0; i < 10; i++) {
            csv.append("0,600,3,12Gi,4\n0,10800,1,4Gi,1\n");
        }
        Path file = Files.writeString(dir.resolve("scatter.csv"), csv);
        TraceSource source = TraceSource.file(file, TraceFormat.CSV, false, null, 16, GI);
        Simulator.Comparison c = simulator(settings(shape(16, 64), 7))
                .run(source, List.of(Simulator.CLUSTER_AUTOSCALER, Simulator.CLUSTER_AUTOSCALER_UNSAFE), null);
        Map<String, PolicyResult> r = byName(c);
        assertThat(r.get(Simulator.CLUSTER_AUTOSCALER_UNSAFE).jobsInterrupted()).isPositive();
        assertThat(r.get(Simulator.CLUSTER_AUTOSCALER_UNSAFE).lostComputeHours())
                .isPositive();
        assertThat(r.get(Simulator.CLUSTER_AUTOSCALER).jobsInterrupted()).isZero();
        assertThat(r.get(Simulator.CLUSTER_AUTOSCALER_UNSAFE).jobsStarted()).isEqualTo(50);
    }

    /**
     * Guards against a {@code joblane} row without the product's lanes: the real lanes step labels the simulated
     * nodes, the webhook's decision gives pods their terms from the published table (families learnt from finished
     * runs, else the deadline), and no Job is interrupted or left out.
     */
    @Test
    void theDefaultInstallRunsLanesLearningFromFinishedRunsAndDeadlines() throws Exception {
        StringBuilder csv = new StringBuilder("submit,duration,cpu,memory,count,family,deadline\n");
        for (int round = 0; round < 12; round++) {
            long t = round * 1200L;
            csv.append(t).append(",600,2,8Gi,6,short,\n");
            csv.append(t).append(",10800,2,8Gi,2,long,\n");
            csv.append(t + 60).append(",900,1,4Gi,3,,1800\n");
        }
        Path file = Files.writeString(dir.resolve("families.csv"), csv);
        TraceSource source = TraceSource.file(file, TraceFormat.CSV, false, null, 16, GI);
        Simulation.Settings s = settings(shape(16, 64), 3);
        TraceStats stats = TraceStats.of(source, s.shape(), s.seriesWidthMillis());
        JoblanePolicy policy = (JoblanePolicy) JoblanePolicy.factory(Duration.ofMinutes(10), 1)
                .create(s, Simulator.JOBLANE, SimCluster.Scoring.MOST_ALLOCATED, 0, JoblanePolicy.Lanes.ON);
        PolicyResult r = new Simulation(source, stats, s, null).run(policy);
        assertThat(r.jobsStarted()).isEqualTo(r.jobs());
        assertThat(r.jobsInterrupted()).isZero();
        assertThat(r.podsOnRemovedNodes()).isZero();
        assertThat(policy.laneEndWrites()).as("the lanes step labelled nodes").isPositive();
        assertThat(policy.lanesGiven())
                .as("deadlines from the start, families once learnt and published")
                .isGreaterThan(12 * 3);
    }

    @Test
    void jobsThatFitNoNodeAreCountedAndLeftOut() throws Exception {
        Path file = Files.writeString(dir.resolve("big.csv"), "submit,duration,cpu,memory\n0,60,1,1Gi\n5,60,64,1Gi\n");
        Simulator.Comparison c = simulator(settings(shape(16, 64), 1))
                .run(TraceSource.file(file, TraceFormat.CSV, false, null, 16, GI), List.of(Simulator.STATIC), null);
        assertThat(c.jobs()).isEqualTo(1);
        assertThat(c.jobsNeverFit()).isEqualTo(1);
        assertThat(c.results().get(0).jobsStarted()).isEqualTo(1);
    }

    @Test
    void lowerBoundUsesTheBindingResourceAcrossAllJobs() throws Exception {
        // Two one-hour Jobs: one needs all usable cpu, one all usable memory of a node; they cannot share a node,
        // yet each resource alone needs one node-hour: the bound is 1, not 2.
        NodeShape shape = shape(16, 64);
        String cpu = io.joblane.model.Quantity.format(shape.usableCpu(), "cpu");
        String mem = io.joblane.model.Quantity.format(shape.usableMemory(), "memory");
        Path file = Files.writeString(
                dir.resolve("bound.csv"),
                "submit,duration,cpu,memory\n0,3600," + cpu + ",1Mi\n0,3600,1m," + mem + "\n");
        Simulator.Comparison c = simulator(settings(shape, 1))
                .run(TraceSource.file(file, TraceFormat.CSV, false, null, 16, GI), List.of(Simulator.STATIC), null);
        assertThat(c.lowerBoundNodeHours()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.01));
        assertThat(c.results().get(0).staticNodes()).isEqualTo(2);
    }
}
