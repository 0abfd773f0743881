package io.joblane.scaler.loop;

import java.util.Locale;

/**
 * Why the loop's last gate keeps an instance the planner chose to terminate: one guard each, in the order they run.
 * The text is the one logs, the status ConfigMap and Events show.
 */
enum KeepReason {
    /** The node read live is no longer exactly the one Joblane cordoned (uncordoned, re-created, another instance). */
    NODE_CHANGED("%s"),
    /** A pod that blocks scale-in was bound to the node after the snapshot. */
    POD_BOUND("%d pod(s) bound at the last moment, e.g. %s"),
    /** The live checks took longer than {@link ScaleLoop#TERMINATE_CHECK_BOUND}: the termination could land late. */
    CHECKS_TOO_SLOW("the live checks took %d ms, over the bound of %d ms; retried next scan"),
    /** Something live says an instance without a node of the group may have a node after all. */
    INSTANCE_MAY_HAVE_NODE("instance %s has no node of group %s but is not terminated: %s");

    private final String format;

    KeepReason(String format) {
        this.format = format;
    }

    /** The reason in words, with its details. */
    String why(Object... details) {
        return String.format(Locale.ROOT, format, details);
    }
}
