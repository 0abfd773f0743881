package io.joblane.scaler.sim;

import java.time.Duration;

/** Placeholder until the real loop lands: the Joblane policy drives {@code ScaleLoop} on the simulated cluster. */
final class JoblanePolicy {
    private JoblanePolicy() {
    }

    static Simulator.JoblanePolicyFactory factory(Duration scaleDownDelay, int maxDraining) {
        return settings -> {
            throw new IllegalArgumentException("the joblane policy needs the scaler's loop, which is not built yet;"
                    + " use --policies cluster-autoscaler,cluster-autoscaler-unsafe,static");
        };
    }
}
