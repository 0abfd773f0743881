package io.joblane.scaler.plan;

import java.util.Arrays;

/**
 * Finds the leftmost bin whose free capacity covers a demand vector in O(log n) typical time: a segment tree whose
 * inner nodes hold the component-wise maximum of their bins (a necessary condition, so pruning is exact). This is
 * what keeps first-fit of 20,000 pods onto thousands of nodes well under 100 ms. Single-threaded, planner-internal.
 */
final class FitTree {
    static final long CLOSED = Long.MIN_VALUE / 4;

    private final int dims;
    private final int leaves;
    private final long[] max;

    FitTree(int dims, int capacity) {
        this.dims = dims;
        int n = 1;
        while (n < Math.max(1, capacity)) {
            n <<= 1;
        }
        this.leaves = n;
        this.max = new long[2 * n * dims];
        Arrays.fill(max, CLOSED);
    }

    int capacity() {
        return leaves;
    }

    long free(int bin, int dim) {
        return max[(leaves + bin) * dims + dim];
    }

    /** Sets a bin's free vector (from {@code src[off..off+dims)}) and refreshes its ancestors. */
    void set(int bin, long[] src, int off) {
        System.arraycopy(src, off, max, (leaves + bin) * dims, dims);
        refresh(bin);
    }

    /** Closes a bin: it is never returned by {@link #findFirst}. */
    void close(int bin) {
        Arrays.fill(max, (leaves + bin) * dims, (leaves + bin + 1) * dims, CLOSED);
        refresh(bin);
    }

    /** Subtracts {@code demand[off..off+dims)} from a bin (positive {@code sign}) or gives it back (negative). */
    void take(int bin, long[] demand, int off, int sign) {
        int base = (leaves + bin) * dims;
        for (int d = 0; d < dims; d++) {
            max[base + d] -= sign * demand[off + d];
        }
        refresh(bin);
    }

    /** The leftmost open bin whose free capacity covers {@code demand[off..off+dims)}, or -1. */
    int findFirst(long[] demand, int off) {
        if (!covers(1, demand, off)) {
            return -1;
        }
        int node = 1;
        // Iterative DFS with explicit backtracking: descend left when it covers, else right, else climb.
        while (true) {
            if (node >= leaves) {
                return node - leaves;
            }
            int left = node << 1;
            if (covers(left, demand, off)) {
                node = left;
                continue;
            }
            if (covers(left + 1, demand, off)) {
                node = left + 1;
                continue;
            }
            // Dead end (component-wise max covered, no child does): climb to the next right sibling that covers.
            while (true) {
                if (node == 1) {
                    return -1;
                }
                if ((node & 1) == 0 && covers(node + 1, demand, off)) {
                    node = node + 1;
                    break;
                }
                node >>= 1;
            }
        }
    }

    private boolean covers(int node, long[] demand, int off) {
        int base = node * dims;
        for (int d = 0; d < dims; d++) {
            if (max[base + d] < demand[off + d]) {
                return false;
            }
        }
        return true;
    }

    private void refresh(int bin) {
        int node = (leaves + bin) >> 1;
        while (node >= 1) {
            int base = node * dims;
            int l = (node << 1) * dims;
            int r = l + dims;
            for (int d = 0; d < dims; d++) {
                max[base + d] = Math.max(max[l + d], max[r + d]);
            }
            node >>= 1;
        }
    }
}
