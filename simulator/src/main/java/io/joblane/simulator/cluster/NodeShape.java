package io.joblane.simulator.cluster;

/**
 * The simulated group's node: allocatable resources in milli-units (gpu and pods as plain counts) and the
 * DaemonSet pods every node carries. {@code usable*} is what Job pods can actually get: allocatable minus the
 * DaemonSets, the capacity the lower bound divides by.
 */
public record NodeShape(
        long cpuMillis,
        long memoryMillis,
        long gpus,
        int pods,
        long daemonSetCpuMillis,
        long daemonSetMemoryMillis,
        int daemonSetPods) {

    public NodeShape {
        if (cpuMillis <= daemonSetCpuMillis || memoryMillis <= daemonSetMemoryMillis || pods <= daemonSetPods) {
            throw new IllegalArgumentException(
                    "the node shape leaves no room for Job pods after the DaemonSet overhead");
        }
    }

    public long usableCpu() {
        return cpuMillis - daemonSetCpuMillis;
    }

    public long usableMemory() {
        return memoryMillis - daemonSetMemoryMillis;
    }

    public int usablePods() {
        return pods - daemonSetPods;
    }

    /** True when one pod of these requests fits on an empty node. */
    public boolean fitsEmpty(long cpu, long memory, long gpu) {
        return cpu <= usableCpu() && memory <= usableMemory() && gpu <= gpus;
    }

    /**
     * Nodes needed for the given totals on the binding resource: the largest of the totals' shares of usable cpu,
     * memory, GPUs and pod slots. Applied to resource-time totals it gives the lower bound of node-time.
     */
    public double nodesFor(double cpu, double memory, double gpu, double podCount) {
        double nodes = Math.max(cpu / usableCpu(), memory / usableMemory());
        nodes = Math.max(nodes, podCount / usablePods());
        if (gpus > 0) {
            nodes = Math.max(nodes, gpu / gpus);
        }
        return nodes;
    }
}
