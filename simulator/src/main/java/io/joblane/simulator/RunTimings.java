package io.joblane.simulator;

import java.util.Map;

/** What a simulator measured of its last run, for {@code --timing}: one group's runs or several groups' summed. */
public interface RunTimings {
    /** Wall seconds of each policy, in the order the policies ran. */
    Map<String, Double> wallSeconds();

    /** CPU seconds of the threads that ran each policy, in the same order. */
    Map<String, Double> cpuSecondsByPolicy();

    /** The lane-end labels each Joblane policy wrote, in the same order; policies that wrote none are left out. */
    Map<String, Long> laneEndWrites();

    /** CPU seconds of the simulating threads over every policy. */
    double cpuSeconds();
}
