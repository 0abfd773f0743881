package io.joblane.scaler.sim;

/**
 * A step function of virtual time (node count, demand) kept in a fixed number of buckets, each holding the
 * maximum seen in it. When time runs past the last bucket the bucket width doubles and pairs merge, so the memory
 * stays fixed for traces of any length. Single-threaded.
 */
final class Series {
    static final int BUCKETS = 512;

    private final double[] max = new double[BUCKETS];
    private long width;
    private int last = -1;
    private double current;

    Series(long initialWidthMillis) {
        this.width = Math.max(1, initialWidthMillis);
    }

    /** The value changes to {@code value} at {@code time}; times never go backwards. */
    void set(long time, double value) {
        int b = bucketOf(time);
        fillTo(b);
        current = value;
        max[b] = Math.max(max[b], value);
    }

    /** Extends the current value up to {@code time} (call at the end of the run). */
    void extendTo(long time) {
        fillTo(bucketOf(time));
    }

    private int bucketOf(long time) {
        while (time / width >= BUCKETS) {
            for (int i = 0; i < BUCKETS / 2; i++) {
                max[i] = Math.max(max[2 * i], max[2 * i + 1]);
            }
            java.util.Arrays.fill(max, BUCKETS / 2, BUCKETS, 0);
            last = last < 0 ? -1 : last / 2;
            width *= 2;
        }
        return (int) (time / width);
    }

    private void fillTo(int b) {
        for (int i = last + 1; i <= b; i++) {
            max[i] = Math.max(max[i], current);
        }
        last = Math.max(last, b);
    }

    long widthMillis() {
        return width;
    }

    /** The bucket maxima up to the last bucket reached. */
    double[] values() {
        return java.util.Arrays.copyOf(max, last + 1);
    }
}
