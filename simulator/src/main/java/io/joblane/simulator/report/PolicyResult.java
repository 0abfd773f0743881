package io.joblane.simulator.report;

/**
 * The figures of one policy on one trace, as printed in the table, the JSON and the HTML report.
 *
 * @param staticNodes the fixed size for the static policy, 0 otherwise
 * @param seriesWidthSeconds width of one point of {@code nodeSeries} (the maximum node count in that span)
 */
public record PolicyResult(
        String policy,
        double nodeHours,
        double cost,
        double lowerBoundNodeHours,
        double meanUtilization,
        long jobs,
        long jobsStarted,
        long jobsInterrupted,
        long interruptions,
        double lostComputeHours,
        double waitSecondsP50,
        double waitSecondsP95,
        double waitSecondsMax,
        long scaleActions,
        int peakNodes,
        int staticNodes,
        long podsOnRemovedNodes,
        double makespanHours,
        double seriesWidthSeconds,
        double[] nodeSeries) {

    /** Node-hours over the lower bound: 1.0 is perfect packing with no idle time. */
    public double ratioToLowerBound() {
        return lowerBoundNodeHours <= 0 ? 0 : nodeHours / lowerBoundNodeHours;
    }
}
