package io.joblane.scaler.loop;

import java.util.Locale;

/** What the loop decided, for the {@code joblane_decisions_total{group,kind}} counter and the status ConfigMap. */
public enum DecisionKind {
    SCALE_UP,
    /** A scale-up withheld because the group is backing off (capacity not arriving, launches failing). */
    SCALE_UP_BACKOFF,
    /** Desired lowered to the instances that exist: capacity asked for, never delivered, no longer needed. */
    CANCEL_UNFULFILLED,
    RECLAIM,
    DRAIN_NUDGE,
    DRAIN_COMMIT,
    MARK_UNNEEDED,
    CORDON,
    UNCORDON,
    TERMINATE,
    /** The live re-check found a pod on a cordoned node: termination stopped, node uncordoned. */
    SCALE_IN_ABORTED,
    POD_NEVER_FITS,
    INSTANCE_UNREGISTERED,
    TERMINATE_UNREGISTERED,
    PROTECT;

    /** Lower-case label value, e.g. {@code scale_up}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
