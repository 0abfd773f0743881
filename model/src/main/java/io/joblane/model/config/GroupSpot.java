package io.joblane.model.config;

import io.joblane.model.GoDuration;
import java.time.Duration;

/**
 * A group's Spot settings, read by the webhook: a pod predicted to run longer than {@code preferOnDemandAbove} (a Go
 * duration; empty: never) gets a preferred node affinity to on-demand nodes ({@code eks.amazonaws.com/capacityType
 * In [ON_DEMAND]}), never a required one, so it still runs on Spot when no on-demand node has room.
 */
public record GroupSpot(String preferOnDemandAbove) {
    /**
     * The weight of the preferred on-demand term, the highest kube-scheduler allows: a long Job lost to Spot loses hours
     * of work, which outweighs its lane and the packing score. Written by the webhook, scored by the simulator.
     */
    public static final int ON_DEMAND_PREFERENCE_WEIGHT = 100;

    public static final GroupSpot NONE = new GroupSpot(null);

    public GroupSpot {
        preferOnDemandAbove = preferOnDemandAbove == null ? "" : preferOnDemandAbove;
    }

    /** The threshold, or null when the group prefers nothing. */
    public Duration preferOnDemandAboveDuration() {
        return preferOnDemandAbove.isEmpty() ? null : GoDuration.parse(preferOnDemandAbove);
    }
}
