package io.joblane.simulator.cluster;

import java.util.Arrays;

/**
 * Job completions by time: a binary heap whose keys sit in a {@code long[]}, so that a comparison reads no object (a
 * queue of records chased a pointer per comparison, on a heap of up to a million pending completions). It sifts
 * exactly as {@link java.util.PriorityQueue} does, so completions of equal time leave in the same order as before and
 * the simulated runs do not change. Single-threaded.
 */
final class CompletionQueue {
    private long[] times = new long[64];
    private SimPod[] pods = new SimPod[64];
    private int[] runs = new int[64];
    private int size;

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    /** The earliest completion's time; only when not empty. */
    long headTime() {
        return times[0];
    }

    /** The earliest completion's pod; only when not empty. */
    SimPod headPod() {
        return pods[0];
    }

    /** The run of its pod the earliest completion ends (a pod evicted and started again has a later run). */
    int headRun() {
        return runs[0];
    }

    void add(long time, SimPod pod, int run) {
        if (size == times.length) {
            times = Arrays.copyOf(times, size * 2);
            pods = Arrays.copyOf(pods, size * 2);
            runs = Arrays.copyOf(runs, size * 2);
        }
        int k = size++;
        while (k > 0) {
            int parent = (k - 1) >>> 1;
            if (time >= times[parent]) {
                break;
            }
            move(parent, k);
            k = parent;
        }
        set(k, time, pod, run);
    }

    /** Drops the earliest completion; only when not empty. */
    void removeHead() {
        int n = --size;
        long time = times[n];
        SimPod pod = pods[n];
        int run = runs[n];
        pods[n] = null;
        if (n == 0) {
            return;
        }
        int k = 0;
        int half = n >>> 1;
        while (k < half) {
            int child = (k << 1) + 1;
            int right = child + 1;
            if (right < n && times[child] > times[right]) {
                child = right;
            }
            if (time <= times[child]) {
                break;
            }
            move(child, k);
            k = child;
        }
        set(k, time, pod, run);
    }

    private void move(int from, int to) {
        times[to] = times[from];
        pods[to] = pods[from];
        runs[to] = runs[from];
    }

    private void set(int k, long time, SimPod pod, int run) {
        times[k] = time;
        pods[k] = pod;
        runs[k] = run;
    }
}
