package io.joblane.simulator.trace;

/**
 * One row of a workload trace: {@code count} identical Job pods submitted together. Times are virtual
 * milliseconds from the trace start; resources are Kubernetes milli-units (cpu "1" is 1000, memory "1Ki" is
 * 1,024,000), GPUs a whole count.
 *
 * @param line the 1-based line of the trace file the row came from, for messages
 * @param deadlineMillis what a cluster knows of the run time at submit: an upper bound (SWF field 9, the requested
 *     time; the CSV {@code deadline} column; a Job's {@code activeDeadlineSeconds}), 0 when unknown
 * @param family the Job's family for runtime history (SWF field 12, the user; the CSV {@code family} column; a
 *     CronJob), "" when unknown
 * @param zone the only zone the Job's pods may run in (the zone of a bound volume: the CSV {@code zone} column or
 *     {@code --zonal-jobs}), "" when any
 */
public record TraceJob(
        long line,
        long submitMillis,
        long durationMillis,
        long cpuMillis,
        long memoryMillis,
        long gpus,
        int count,
        String group,
        long deadlineMillis,
        String family,
        String zone) {

    public TraceJob {
        zone = zone == null ? "" : zone;
    }

    public TraceJob(
            long line,
            long submitMillis,
            long durationMillis,
            long cpuMillis,
            long memoryMillis,
            long gpus,
            int count,
            String group,
            long deadlineMillis,
            String family) {
        this(
                line,
                submitMillis,
                durationMillis,
                cpuMillis,
                memoryMillis,
                gpus,
                count,
                group,
                deadlineMillis,
                family,
                "");
    }

    /** The same row pinned to {@code zone}. */
    public TraceJob inZone(String zone) {
        return new TraceJob(
                line,
                submitMillis,
                durationMillis,
                cpuMillis,
                memoryMillis,
                gpus,
                count,
                group,
                deadlineMillis,
                family,
                zone);
    }

    public TraceJob(
            long line,
            long submitMillis,
            long durationMillis,
            long cpuMillis,
            long memoryMillis,
            long gpus,
            int count,
            String group) {
        this(line, submitMillis, durationMillis, cpuMillis, memoryMillis, gpus, count, group, 0, "");
    }
}
