package io.joblane.simulator.report;

/**
 * The figures of one policy on one trace, as printed in the table, the JSON and the HTML report.
 *
 * @param staticNodes the fixed size for the static policy, 0 otherwise
 * @param seriesWidthSeconds width of one point of {@code nodeSeries} (the maximum node count in that span)
 * @param jobsLostToSpot Jobs whose pod died at least once because the cloud took its Spot node (not the policy's
 *     doing, and not among {@code jobsInterrupted}); 0 without {@code --spot-interruption-rate}
 * @param spotLostComputeHours run time those pods threw away
 * @param spotNodesTaken Spot nodes the cloud took after their notice
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
        double[] nodeSeries,
        LogHistogram waits,
        long jobsLostToSpot,
        double spotLostComputeHours,
        long spotNodesTaken) {

    /**
     * One policy's figures over several groups: sums, the waits' quantiles over every Job, utilisation weighted by
     * node-hours, the peak as the sum of the groups' peaks (an upper bound: they need not peak together).
     */
    public static PolicyResult sum(java.util.List<PolicyResult> parts) {
        PolicyResult t = new PolicyResult(
                parts.get(0).policy,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                new double[0],
                new LogHistogram(),
                0,
                0,
                0);
        for (PolicyResult p : parts) {
            t = t.plus(p);
        }
        return t;
    }

    /** This result and {@code other}'s together (see {@link #sum}); the histograms are merged, not changed. */
    private PolicyResult plus(PolicyResult o) {
        double hours = nodeHours + o.nodeHours;
        double used = meanUtilization * nodeHours + o.meanUtilization * o.nodeHours;
        LogHistogram allWaits = new LogHistogram();
        allWaits.add(waits);
        allWaits.add(o.waits);
        Series.Sum nodes = new Series.Sum(nodeSeries, seriesWidthSeconds).plus(o.nodeSeries, o.seriesWidthSeconds);
        return new PolicyResult(
                policy,
                hours,
                cost + o.cost,
                lowerBoundNodeHours + o.lowerBoundNodeHours,
                hours <= 0 ? 0 : used / hours,
                jobs + o.jobs,
                jobsStarted + o.jobsStarted,
                jobsInterrupted + o.jobsInterrupted,
                interruptions + o.interruptions,
                lostComputeHours + o.lostComputeHours,
                allWaits.quantile(0.50) / 1000.0,
                allWaits.quantile(0.95) / 1000.0,
                allWaits.max() / 1000.0,
                scaleActions + o.scaleActions,
                peakNodes + o.peakNodes,
                staticNodes + o.staticNodes,
                podsOnRemovedNodes + o.podsOnRemovedNodes,
                Math.max(makespanHours, o.makespanHours),
                nodes.widthSeconds(),
                nodes.values(),
                allWaits,
                jobsLostToSpot + o.jobsLostToSpot,
                spotLostComputeHours + o.spotLostComputeHours,
                spotNodesTaken + o.spotNodesTaken);
    }

    /** Node-hours over the lower bound: 1.0 is perfect packing with no idle time. */
    public double ratioToLowerBound() {
        return lowerBoundNodeHours <= 0 ? 0 : nodeHours / lowerBoundNodeHours;
    }
}
