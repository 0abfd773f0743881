package io.joblane.scaler.bench;

import io.joblane.scaler.plan.GroupPlan;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Companion of {@link PlannerBenchmark} for shared, loaded machines: runs the same planning pass many times and prints
 * the thread CPU time per pass (min and median), which other processes' load does not inflate the way wall time is.
 * Arguments: {@code [passes] [pending] [nodes]}.
 */
public final class PlannerCpuTime {
    private PlannerCpuTime() {}

    public static void main(String[] args) {
        int passes = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        PlannerBenchmark b = new PlannerBenchmark();
        b.pending = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        b.nodes = args.length > 2 ? Integer.parseInt(args[2]) : 2_000;
        b.setUp();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[] cpu = new long[passes];
        long[] wall = new long[passes];
        GroupPlan last = null;
        for (int warm = 0; warm < 10; warm++) {
            last = b.indexAndPlan();
        }
        for (int i = 0; i < passes; i++) {
            long c0 = mx.getCurrentThreadCpuTime();
            long w0 = System.nanoTime();
            last = b.indexAndPlan();
            wall[i] = System.nanoTime() - w0;
            cpu[i] = mx.getCurrentThreadCpuTime() - c0;
        }
        java.util.Arrays.sort(cpu);
        java.util.Arrays.sort(wall);
        System.out.printf(
                "planning pass (index + plan), %d pending pods onto %d nodes, %d passes:%n",
                b.pending, b.nodes, passes);
        System.out.printf("  cpu  min %.1f ms, median %.1f ms%n", cpu[0] / 1e6, cpu[passes / 2] / 1e6);
        System.out.printf("  wall min %.1f ms, median %.1f ms%n", wall[0] / 1e6, wall[passes / 2] / 1e6);
        long[] steady = new long[passes];
        for (int i = 0; i < passes; i++) {
            long c0 = mx.getCurrentThreadCpuTime();
            b.packAndScaleIn();
            steady[i] = mx.getCurrentThreadCpuTime() - c0;
        }
        java.util.Arrays.sort(steady);
        System.out.printf(
                "  steady state (no waiting pod: pack + scale-in), cpu min %.1f ms, median %.1f ms%n",
                steady[0] / 1e6, steady[passes / 2] / 1e6);
        System.out.printf(
                "  result: desired %d, new nodes %d, pods on existing or incoming capacity %d, never fit %d, actions %d%n",
                last.desired(),
                last.newNodesWanted(),
                last.podsOnIncoming(),
                last.neverFit(),
                last.actions().size());
    }
}
