package io.joblane.simulator.report;

import java.util.Arrays;

/**
 * A step function of virtual time (node count, demand) kept as its time-weighted mean over a fixed number of buckets.
 * When time runs past the last bucket the bucket width doubles and pairs merge, so the memory stays fixed for traces
 * of any length. Single-threaded.
 */
public final class Series {
    static final int BUCKETS = 512;

    /** Integral of the value over each bucket, in value x milliseconds. */
    private final double[] area = new double[BUCKETS];

    private long width;
    private long lastTime;
    private double current;

    public Series(long initialWidthMillis) {
        this.width = Math.max(1, initialWidthMillis);
    }

    /** The value changes to {@code value} at {@code time}; times never go backwards. */
    public void set(long time, double value) {
        extendTo(time);
        current = value;
    }

    /** Carries the current value up to {@code time} (call at the end of the run). */
    public void extendTo(long time) {
        if (time <= lastTime) {
            return;
        }
        while (time / width >= BUCKETS) {
            for (int i = 0; i < BUCKETS / 2; i++) {
                area[i] = area[2 * i] + area[2 * i + 1];
            }
            Arrays.fill(area, BUCKETS / 2, BUCKETS, 0);
            width *= 2;
        }
        if (current != 0) {
            long t = lastTime;
            while (t < time) {
                int b = (int) (t / width);
                long end = Math.min(time, (b + 1) * width);
                area[b] += current * (end - t);
                t = end;
            }
        }
        lastTime = time;
    }

    public long widthMillis() {
        return width;
    }

    /** The mean value in each bucket up to the last time reached (the last bucket over its covered part). */
    public double[] values() {
        int n = (int) Math.min(BUCKETS, lastTime / width + (lastTime % width == 0 ? 0 : 1));
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            long covered = Math.min(width, lastTime - i * width);
            out[i] = covered <= 0 ? 0 : area[i] / covered;
        }
        return out;
    }

    /**
     * Series of several runs added point by point (the node counts of several groups), each kept as its values and
     * point width; a finer one is first averaged to the coarser width. Widths are the same start width doubled, so
     * one divides the other.
     */
    public record Sum(double[] values, double widthSeconds) {
        public static final Sum EMPTY = new Sum(new double[0], 0);

        public Sum plus(double[] other, double otherWidthSeconds) {
            if (values.length == 0) {
                return new Sum(other.clone(), otherWidthSeconds);
            }
            if (other.length == 0) {
                return this;
            }
            double width = Math.max(widthSeconds, otherWidthSeconds);
            double[] a = coarsen(values, widthSeconds, width);
            double[] b = coarsen(other, otherWidthSeconds, width);
            double[] out = new double[Math.max(a.length, b.length)];
            for (int i = 0; i < out.length; i++) {
                out[i] = (i < a.length ? a[i] : 0) + (i < b.length ? b[i] : 0);
            }
            return new Sum(out, width);
        }

        private static double[] coarsen(double[] v, double width, double to) {
            int factor = (int) Math.round(to / width);
            if (factor <= 1) {
                return v;
            }
            double[] out = new double[(v.length + factor - 1) / factor];
            for (int i = 0; i < out.length; i++) {
                int from = i * factor;
                int end = Math.min(v.length, from + factor);
                double area = 0;
                for (int j = from; j < end; j++) {
                    area += v[j];
                }
                out[i] = area / (end - from);
            }
            return out;
        }
    }
}
