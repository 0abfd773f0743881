package io.joblane.scaler.plan;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Annotations the scaler keeps on nodes so its timers survive a restart. Only the scaler reads them, so they live
 * here rather than in {@code WellKnown}. Values are RFC 3339 instants ({@link Instant#toString()}).
 */
public final class NodeAnnotations {
    /** When the node was first seen empty and not needed; removed once anything runs there again. */
    public static final String UNNEEDED_SINCE = "joblane.io/unneeded-since";
    /** When the scaler cordoned the node; its presence marks the cordon as the scaler's own. */
    public static final String CORDONED_AT = "joblane.io/cordoned-at";
    /** When the scaler put the draining taint on the node. */
    public static final String DRAINING_SINCE = "joblane.io/draining-since";
    /**
     * When the scaler decided to terminate the node's instance, written before the termination call: from then on
     * the instance may be going at any moment, so the node is never reopened, reclaimed or counted as capacity.
     */
    public static final String TERMINATION_REQUESTED_AT = "joblane.io/termination-requested-at";

    private NodeAnnotations() {}

    /** Parses an annotation value; null for absent or malformed values (a malformed timer simply restarts). */
    public static Instant parse(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value.trim());
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    public static String format(Instant instant) {
        return instant.toString();
    }
}
