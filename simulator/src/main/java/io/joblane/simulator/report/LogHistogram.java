package io.joblane.simulator.report;

/**
 * Percentiles of non-negative durations in a fixed few kilobytes, whatever the number of values: a log-bucketed
 * histogram (HDR style) with about 1% relative error, values under 1 ms in bucket 0, and the exact maximum kept
 * aside. Single-threaded.
 */
public final class LogHistogram {
    private static final double GROWTH = 1.01;
    private static final double LOG_GROWTH = Math.log(GROWTH);
    /** Buckets reach past 10^13 ms (over 300 years). */
    private static final int BUCKETS = 3100;

    private final long[] counts = new long[BUCKETS];
    private long total;
    private long max;

    public void record(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("negative duration " + millis);
        }
        counts[bucket(millis)]++;
        total++;
        max = Math.max(max, millis);
    }

    /** Adds every value of {@code other} (the same buckets), as if each had been recorded here. */
    public void add(LogHistogram other) {
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
        max = Math.max(max, other.max);
    }

    long count() {
        return total;
    }

    public long max() {
        return max;
    }

    /** The value at quantile q (0..1): the upper edge of its bucket, capped at the exact maximum; 0 when empty. */
    public long quantile(double q) {
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(max, upperEdge(i));
            }
        }
        return max;
    }

    private static int bucket(long millis) {
        if (millis < 1) {
            return 0;
        }
        return Math.min(BUCKETS - 1, 1 + (int) (Math.log(millis) / LOG_GROWTH));
    }

    private static long upperEdge(int bucket) {
        if (bucket == 0) {
            return 0;
        }
        return (long) Math.floor(Math.pow(GROWTH, bucket));
    }
}
