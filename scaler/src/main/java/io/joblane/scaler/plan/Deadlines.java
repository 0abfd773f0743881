package io.joblane.scaler.plan;

import java.time.Instant;

/**
 * The instant of one planning pass, and the earliest later instant at which a delay the pass looked at runs out
 * (the plan's {@code nextDeadline}): every step asks its "has this delay run out?" here, so none can forget to
 * record the deadline.
 */
final class Deadlines {
    private final Instant now;
    private Instant next;

    Deadlines(Instant now) {
        this.now = now;
    }

    Instant now() {
        return now;
    }

    /** The earliest instant after now at which a delay looked at runs out, or null. */
    Instant next() {
        return next;
    }

    /** {@code !now.isBefore(at)}; while not yet, remembers {@code at} as a deadline. */
    boolean reached(Instant at) {
        if (!now.isBefore(at)) {
            return true;
        }
        if (next == null || at.isBefore(next)) {
            next = at;
        }
        return false;
    }

    /** {@code now.isAfter(at)}; while not yet, remembers the instant just after {@code at} as a deadline. */
    boolean passed(Instant at) {
        return reached(at.plusNanos(1));
    }
}
