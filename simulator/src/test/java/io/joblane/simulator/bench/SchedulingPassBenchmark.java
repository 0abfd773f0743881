package io.joblane.simulator.bench;

import static io.joblane.model.Quantity.GI;

import io.joblane.model.lanes.LaneTerm;
import io.joblane.model.lanes.RunTimePredictor;
import io.joblane.simulator.cluster.NodeShape;
import io.joblane.simulator.cluster.SimCluster;
import io.joblane.simulator.cluster.SimNode;
import io.joblane.simulator.cluster.SimPod;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * One pass of the simulated kube-scheduler: {@code pods} new Job pods (1-7 cores, 1.5Gi per core, as RICC's on the
 * issue's 8-cpu / 12Gi nodes) bound one by one onto {@code nodes} Ready nodes already running a random mix of such
 * pods, under LeastAllocated. With {@code lanes} each pod carries a lane term and a quarter of the nodes a lane-end
 * label, as under the default {@code joblane} policy: such pods are placed by a scan of every node rather than through
 * the load buckets. Run as the scaler's PlannerBenchmark (simulator/README.md, "Memory and speed").
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class SchedulingPassBenchmark {
    /** RICC's node of issue 14 (8 cpu, 12Gi, 110 pods, DaemonSets 250m and 512Mi); {@link NodeRunBenchmark}'s too. */
    static final NodeShape SHAPE = new NodeShape(8_000, 12 * GI, 0, 110, 250, GI / 2, 3);

    @Param({"2000"})
    public int nodes;

    @Param({"500"})
    public int pods;

    @Param({"false", "true"})
    public boolean lanes;

    private SimCluster cluster;
    private SplittableRandom random;
    private long ids;

    @Setup(Level.Invocation)
    public void fill() {
        random = new SplittableRandom(42);
        cluster = new SimCluster(SHAPE, SimCluster.Scoring.LEAST_ALLOCATED, 1, 60_000);
        for (int i = 0; i < nodes; i++) {
            SimNode node = cluster.launch(null, 0, 0);
            if (lanes && i % 4 == 0) {
                cluster.setLaneEnd(node, Long.toString(60 + random.nextInt(240)));
            }
        }
        for (int i = 0; i < nodes * 2; i++) {
            cluster.submit(pod());
        }
        cluster.schedule(0);
        cluster.pending().clear();
        for (int i = 0; i < pods; i++) {
            cluster.submit(pod());
        }
    }

    private SimPod pod() {
        int cores = 1 + random.nextInt(random.nextBoolean() ? 2 : 7);
        SimPod pod = new SimPod(ids++, cores * 1000L, cores * 3 * GI / 2, 0, 3_600_000, 0, true);
        if (lanes) {
            pod.lane = new LaneTerm(60 + random.nextInt(240), 30 + random.nextInt(120), RunTimePredictor.Source.FAMILY);
        }
        return pod;
    }

    @Benchmark
    public int schedulingPass() {
        cluster.schedule(1000);
        return cluster.pending().size();
    }

    public static void main(String[] args) throws Exception {
        new Runner(new OptionsBuilder()
                        .include(SchedulingPassBenchmark.class.getSimpleName())
                        .build())
                .run();
    }
}
