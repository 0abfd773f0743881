package io.joblane.simulator.cluster;

import io.joblane.model.lanes.FamilyHistory;
import io.joblane.model.lanes.RunTimePredictor;

/**
 * What a cluster can know of a Job's run time when its pod is created, through the product's own predictor
 * ({@link RunTimePredictor}, as the webhook and the scaler use it): the mean of the last two run times of its family
 * (learnt from finished pods, as the scaler does), else its deadline (an upper bound), else nothing. Never the
 * trace's own duration. The family history is the scaler's, bounded the same way.
 */
public final class RuntimePredictor {
    private final FamilyHistory history = new FamilyHistory();

    /** The predicted run time in milliseconds, or -1 when nothing is known. */
    public long predict(SimPod pod) {
        return RunTimePredictor.predict(null, history.get(family(pod)), pod.deadline)
                .map(RunTimePredictor.Prediction::millis)
                .orElse(-1L);
    }

    void learn(SimPod pod, long runMillis) {
        history.learn(family(pod), runMillis, 0);
    }

    private static String family(SimPod pod) {
        return pod.family.isEmpty() ? null : pod.family;
    }
}
