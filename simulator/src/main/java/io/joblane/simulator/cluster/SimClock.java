package io.joblane.simulator.cluster;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** Virtual time for the real loop and the in-memory provider: milliseconds since the trace start, set by the simulation. */
public final class SimClock extends Clock {
    private long millis;

    public void set(long virtualMillis) {
        this.millis = virtualMillis;
    }

    public static Instant instant(long virtualMillis) {
        return Instant.ofEpochMilli(virtualMillis);
    }

    public static long millis(Instant instant) {
        return instant == null ? -1 : instant.toEpochMilli();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis);
    }

    @Override
    public long millis() {
        return millis;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("virtual time has no zone");
    }
}
