package io.joblane.model.lanes;

/**
 * The last two run times of one family, in milliseconds ({@code previousMillis} -1 until a second run is known), and
 * when the last one was learnt (epoch milliseconds; the least recently updated family is evicted first).
 */
public record RunTimes(long lastMillis, long previousMillis, long updatedAtMillis) {
    public static final long NONE = -1;

    public RunTimes {
        if (lastMillis < 0) {
            throw new IllegalArgumentException("run time must not be negative: " + lastMillis);
        }
        if (previousMillis < NONE) {
            throw new IllegalArgumentException("previous run time must be -1 or more: " + previousMillis);
        }
    }

    /** The first run time learnt of a family. */
    public static RunTimes first(long runMillis, long atMillis) {
        return new RunTimes(runMillis, NONE, atMillis);
    }

    /** This history with one more run: the last becomes the previous. */
    public RunTimes then(long runMillis, long atMillis) {
        return new RunTimes(runMillis, lastMillis, atMillis);
    }

    /** The mean of the last two run times, or the only one. */
    public long meanMillis() {
        return previousMillis == NONE ? lastMillis : (lastMillis + previousMillis) / 2;
    }
}
