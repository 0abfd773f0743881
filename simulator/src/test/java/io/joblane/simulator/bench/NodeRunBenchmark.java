package io.joblane.simulator.bench;

import io.joblane.simulator.cluster.NodeRun;
import io.joblane.simulator.cluster.SimCluster;
import io.joblane.simulator.cluster.SimNode;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * A node moved from its run to another, as a bind or completion moves a node between load buckets: {@code layout} is
 * the nodes and the runs they are spread over at random ("17000x5": 17,000 nodes in 5 runs). One operation is a
 * removal and an add. Run as {@link SchedulingPassBenchmark} (simulator/README.md, the thirtieth round).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class NodeRunBenchmark {
    @Param({"300x10", "2000x20", "17000x5", "34000x3"})
    public String layout;

    private SimNode[] nodes;
    private NodeRun[] runs;
    private int[] runOf;
    private SplittableRandom random;

    @Setup
    public void spread() {
        String[] parts = layout.split("x");
        nodes = new SimNode[Integer.parseInt(parts[0])];
        runs = new NodeRun[Integer.parseInt(parts[1])];
        runOf = new int[nodes.length];
        random = new SplittableRandom(1);
        SimCluster cluster =
                new SimCluster(SchedulingPassBenchmark.SHAPE, SimCluster.Scoring.LEAST_ALLOCATED, 1, 60_000);
        for (int r = 0; r < runs.length; r++) {
            runs[r] = new NodeRun();
        }
        for (int i = 0; i < nodes.length; i++) {
            nodes[i] = cluster.launch(null, 0, 0);
            runOf[i] = random.nextInt(runs.length);
            runs[runOf[i]].addIfAbsent(nodes[i]);
        }
    }

    @Benchmark
    public int moveOneNode() {
        int i = random.nextInt(nodes.length);
        runs[runOf[i]].removeIfPresent(nodes[i]);
        runOf[i] = random.nextInt(runs.length);
        runs[runOf[i]].addIfAbsent(nodes[i]);
        return runs[runOf[i]].size();
    }

    public static void main(String[] args) throws Exception {
        new Runner(new OptionsBuilder()
                        .include(NodeRunBenchmark.class.getSimpleName())
                        .build())
                .run();
    }
}
