package io.joblane.simulator.trace;

/**
 * One row of a workload trace: {@code count} identical Job pods submitted together. Times are virtual
 * milliseconds from the trace start; resources are Kubernetes milli-units (cpu "1" is 1000, memory "1Ki" is
 * 1,024,000), GPUs a whole count.
 *
 * @param line the 1-based line of the trace file the row came from, for messages
 */
public record TraceJob(
        long line,
        long submitMillis,
        long durationMillis,
        long cpuMillis,
        long memoryMillis,
        long gpus,
        int count,
        String group) {
}
