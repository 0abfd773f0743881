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
    /** Each tree node's four figures side by side (cpu, memory, GPUs, pods): one cache line read per node. */
    private static final int STRIDE = 4;

    private final int width;
    /** Node 1 is the root, node k's children 2k and 2k + 1; place i is leaf width + i; node k at k * STRIDE. */
    private final long[] room;

    RoomTree(int places) {
        int w = 1;
        while (w < places) {
            w <<= 1;
        }
        width = w;
        room = new long[2 * w * STRIDE];
        Arrays.fill(room, NONE);
    }

    /** Sets place {@code i}'s free room without updating the ranges: call {@link #build} after the last. */
    void put(int i, long freeCpu, long freeMemory, long freeGpu, long freePods) {
        int at = (width + i) * STRIDE;
        room[at] = freeCpu;
        room[at + 1] = freeMemory;
        room[at + 2] = freeGpu;
        room[at + 3] = freePods;
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
        refresh(i);
    }

    /** Place {@code i}'s free room: cpu, memory, GPUs, pods. */
    long[] get(int i) {
        int at = (width + i) * STRIDE;
        return Arrays.copyOfRange(room, at, at + STRIDE);
    }

    /** Adds {@code sign} times the pod's requests to place {@code i}'s free room (-1: the pod takes them). */
    void take(int i, SimPod pod, long sign) {
        int at = (width + i) * STRIDE;
        set(
                i,
                room[at] + sign * pod.cpu,
                room[at + 1] + sign * pod.memory,
                room[at + 2] + sign * pod.gpu,
                room[at + 3] + sign);
    }

    /**
     * Updates the ranges above place {@code i} after {@link #put}s to it. It stops at the first range that keeps its
     * figures: those above were computed from the same ones. Only a range whose children changed since it was
     * computed differs from them (the parent of a leaf put and not refreshed yet), and this leaf's parent is
     * computed anew first, so the ranges are right once every leaf put has been refreshed, in any order.
     */
    void refresh(int i) {
        for (int node = (width + i) >> 1; node >= 1 && pull(node); node >>= 1) {
            // each range up to the first that did not change
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

    /** Computes range {@code node} from its children; whether a figure changed. */
    private boolean pull(int node) {
        int at = node * STRIDE;
        int l = 2 * at;
        int r = l + STRIDE;
        long cpu = Math.max(room[l], room[r]);
        long memory = Math.max(room[l + 1], room[r + 1]);
        long gpu = Math.max(room[l + 2], room[r + 2]);
        long pods = Math.max(room[l + 3], room[r + 3]);
        boolean changed = cpu != room[at] || memory != room[at + 1] || gpu != room[at + 2] || pods != room[at + 3];
        room[at] = cpu;
        room[at + 1] = memory;
        room[at + 2] = gpu;
        room[at + 3] = pods;
        return changed;
    }

    /**
     * The first place with room for {@code pod} that {@code takes} too, or -1: ranges in order, left before right, a
     * range without room passed whole. A loop rather than a recursion (the compiler inlines no recursive call; 8.9% of
     * the peers' samples were this search).
     */
    int first(SimPod pod, IntPredicate takes) {
        int node = 1;
        while (true) {
            int at = node * STRIDE;
            if (room[at] >= pod.cpu && room[at + 1] >= pod.memory && room[at + 2] >= pod.gpu && room[at + 3] >= 1) {
                if (node < width) {
                    node = 2 * node; // its left half first
                    continue;
                }
                if (takes.test(node - width)) {
                    return node - width;
                }
            }
            while ((node & 1) == 1) { // a right half, done: up to the first range whose right half is still to see
                node >>= 1;
                if (node == 0) {
                    return -1; // the root done
                }
            }
            node++; // the right half beside it
        }
    }
}
