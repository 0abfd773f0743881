package io.joblane.scaler.plan;

/** The {@code joblane.io/draining} taint on a node, by effect. */
public enum DrainState {
    NONE,
    /** Nudging: the scheduler avoids the node when another one fits. */
    PREFER_NO_SCHEDULE,
    /** Committed: no new Job pod lands here; running ones finish. */
    NO_SCHEDULE;

    /** The Kubernetes taint effect, null for {@link #NONE}. */
    public String effect() {
        return switch (this) {
            case NONE -> null;
            case PREFER_NO_SCHEDULE -> "PreferNoSchedule";
            case NO_SCHEDULE -> "NoSchedule";
        };
    }

    /** Parses a taint effect; NoExecute counts as committed, unknown as none. */
    public static DrainState ofEffect(String effect) {
        if ("PreferNoSchedule".equals(effect)) {
            return PREFER_NO_SCHEDULE;
        }
        if ("NoSchedule".equals(effect) || "NoExecute".equals(effect)) {
            return NO_SCHEDULE;
        }
        return NONE;
    }
}
