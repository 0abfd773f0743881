package io.joblane.simulator;

import java.util.Map;

/** What a simulator measured of its last run, for {@code --timing}: one group's runs or several groups' summed. */
public interface RunTimings {
    /** Wall seconds of each policy, in the order the policies ran. */
    Map<String, Double> wallSeconds();

    /** CPU seconds of the threads that ran each policy, in the same order. */
    Map<String, Double> cpuSecondsByPolicy();

    /** What each Joblane policy's real loop did, in the same order; the peer models are left out. */
    Map<String, LoopCounts> loopCounts();

    /** CPU seconds of the simulating threads over every policy. */
    double cpuSeconds();

    /**
     * Over a Joblane policy's runs: the loop's whole scans, its wakes that ran only the steps after the scan (lanes'
     * publishing), and the lane-end labels its lanes step wrote (in a cluster, node PATCHes). Scans, unlike seconds,
     * do not drift with the host.
     */
    record LoopCounts(long wholeScans, long stepsOnly, long laneEndWrites) {
        LoopCounts plus(LoopCounts other) {
            return new LoopCounts(
                    wholeScans + other.wholeScans, stepsOnly + other.stepsOnly, laneEndWrites + other.laneEndWrites);
        }
    }
}
