package io.joblane.simulator.cluster;

import java.util.HashMap;
import java.util.Map;

/**
 * What a cluster can know of a Job's run time when its pod is created, for the lanes prototype: the mean of the last
 * two run times of its family (learnt from finished pods, as the scaler would), else its deadline (an upper bound),
 * else nothing. Never the trace's own duration. Memory grows with the number of families.
 */
public final class RuntimePredictor {
    private final Map<String, long[]> lastTwo = new HashMap<>();

    /** The predicted run time in milliseconds, or -1 when nothing is known. */
    public long predict(SimPod pod) {
        long[] last = pod.family.isEmpty() ? null : lastTwo.get(pod.family);
        if (last != null) {
            return last[1] < 0 ? last[0] : (last[0] + last[1]) / 2;
        }
        return pod.deadline > 0 ? pod.deadline : -1;
    }

    void learn(SimPod pod, long runMillis) {
        if (!pod.family.isEmpty()) {
            long[] last = lastTwo.computeIfAbsent(pod.family, f -> new long[] {-1, -1});
            last[1] = last[0];
            last[0] = runMillis;
        }
    }
}
