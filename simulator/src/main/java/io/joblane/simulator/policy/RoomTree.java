package io.joblane.simulator.policy;

import io.joblane.simulator.cluster.SimPod;
import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * First fit over numbered places (nodes, bins) in order: a tree keeps each resource's largest free room (cpu, memory,
 * GPUs, pods) per range of places, so finding the first place with room for a pod passes over whole ranges where none
 * has room instead of asking each place; thousands of pods onto thousands of places at RICC's scale. A place the
 * tree cannot judge alone (a zone) is asked at its leaf, and the search goes on to the right when it says no: the
 * answer is the place a walk in order would find. Single-threaded.
 */
final class RoomTree {
    private static final long NONE = Long.MIN_VALUE;

    private final int width;
    /** Node 1 is the root, node k's children 2k and 2k + 1; place i is leaf width + i. */
    private final long[] cpu;

    private final long[] memory;
    private final long[] gpu;
    private final long[] pods;

    RoomTree(int places) {
        int w = 1;
        while (w < places) {
            w <<= 1;
        }
        width = w;
        cpu = none(2 * w);
        memory = none(2 * w);
        gpu = none(2 * w);
        pods = none(2 * w);
    }

    private static long[] none(int size) {
        long[] a = new long[size];
        Arrays.fill(a, NONE);
        return a;
    }

    /** Sets place {@code i}'s free room without updating the ranges: call {@link #build} after the last. */
    void put(int i, long freeCpu, long freeMemory, long freeGpu, long freePods) {
        int leaf = width + i;
        cpu[leaf] = freeCpu;
        memory[leaf] = freeMemory;
        gpu[leaf] = freeGpu;
        pods[leaf] = freePods;
    }

    /** Computes every range from the places {@link #put} so far. */
    void build() {
        for (int node = width - 1; node >= 1; node--) {
            pull(node);
        }
    }

    /** Sets place {@code i}'s free room and updates the ranges above it. */
    void set(int i, long freeCpu, long freeMemory, long freeGpu, long freePods) {
        put(i, freeCpu, freeMemory, freeGpu, freePods);
        for (int node = (width + i) >> 1; node >= 1; node >>= 1) {
            pull(node);
        }
    }

    /** Place {@code i}'s free room: cpu, memory, GPUs, pods. */
    long[] get(int i) {
        int leaf = width + i;
        return new long[] {cpu[leaf], memory[leaf], gpu[leaf], pods[leaf]};
    }

    /** Adds {@code sign} times the pod's requests to place {@code i}'s free room (-1: the pod takes them). */
    void take(int i, SimPod pod, long sign) {
        int leaf = width + i;
        set(
                i,
                cpu[leaf] + sign * pod.cpu,
                memory[leaf] + sign * pod.memory,
                gpu[leaf] + sign * pod.gpu,
                pods[leaf] + sign);
    }

    /** Updates the ranges above place {@code i} after {@link #put}s to it. */
    void refresh(int i) {
        for (int node = (width + i) >> 1; node >= 1; node >>= 1) {
            pull(node);
        }
    }

    /** Place {@code i} takes nothing from now on (until set again). */
    void close(int i) {
        set(i, NONE, NONE, NONE, NONE);
    }

    /** {@link #close} without updating the ranges: call {@link #refresh} before the next {@link #first}. */
    void closeLeaf(int i) {
        put(i, NONE, NONE, NONE, NONE);
    }

    private void pull(int node) {
        int l = 2 * node;
        int r = l + 1;
        cpu[node] = Math.max(cpu[l], cpu[r]);
        memory[node] = Math.max(memory[l], memory[r]);
        gpu[node] = Math.max(gpu[l], gpu[r]);
        pods[node] = Math.max(pods[l], pods[r]);
    }

    /** The first place with room for {@code pod} that {@code takes} too, or -1. */
    int first(SimPod pod, IntPredicate takes) {
        return first(1, pod, takes);
    }

    private int first(int node, SimPod pod, IntPredicate takes) {
        if (cpu[node] < pod.cpu || memory[node] < pod.memory || gpu[node] < pod.gpu || pods[node] < 1) {
            return -1;
        }
        if (node >= width) {
            return takes.test(node - width) ? node - width : -1;
        }
        int left = first(2 * node, pod, takes);
        return left >= 0 ? left : first(2 * node + 1, pod, takes);
    }
}
