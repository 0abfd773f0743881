package io.joblane.scaler.plan;

import java.util.Arrays;

/**
 * Finds the leftmost bin whose free capacity covers a demand vector in O(log n) typical time: a segment tree whose
 * inner nodes hold the component-wise maximum of their bins (a necessary condition, so pruning is exact). This is
 * what keeps first-fit of 20,000 pods onto thousands of nodes well under 100 ms. Single-threaded, planner-internal.
 * It grows when a bin past its capacity is set (doubling, rebuilt once): the planner sizes it for the nodes and a few
 * new ones, not one bin per waiting pod, which would fill arrays most scans never use.
 */
final class FitTree {
    static final long CLOSED = Long.MIN_VALUE / 4;

    private final int dims;
    private int leaves;
    private long[] max;
    /** True free capacity of each bin, kept while the bin is closed so it can be reopened. */
    private long[] free;

    private boolean[] closed;
    /**
     * While journaling ({@link #mark}): each bin changed since, in {@link #journal}, with its free vector and closed
     * flag as they were then ({@link #savedFree}, {@link #savedClosed}), so that {@link #undo} puts them back.
     */
    private boolean journaling;

    private int[] journal = new int[0];
    private int journaled;
    private long[] savedFree = new long[0];
    private boolean[] savedClosed = new boolean[0];
    /** Per bin: it is in the journal already. */
    private boolean[] inJournal;

    FitTree(int dims, int capacity) {
        this(dims, capacity, 0);
        Arrays.fill(max, 0, leaves * dims, CLOSED); // no build() to come: the inner nodes are right from the start
    }

    /**
     * A tree whose first {@code loaded} bins the caller {@link #load}s, every one, then {@link #build}s before any other
     * call: only the bins after them are closed here (what the loads and the build write is not filled first).
     */
    FitTree(int dims, int capacity, int loaded) {
        this.dims = dims;
        int n = 1;
        while (n < Math.max(1, capacity)) {
            n <<= 1;
        }
        this.leaves = n;
        this.max = new long[2 * n * dims];
        Arrays.fill(max, (n + loaded) * dims, 2 * n * dims, CLOSED);
        this.free = new long[n * dims];
        Arrays.fill(free, loaded * dims, n * dims, CLOSED);
        this.closed = new boolean[n];
        Arrays.fill(closed, loaded, n, true); // a bin opens when set
        this.inJournal = new boolean[n];
    }

    /**
     * Starts a journal of the bins changed from now on, for {@link #undo}: a tree kept from pass to pass (a group's
     * {@link KeptTree}) is put back as it was before the pass's placements and the drain chooser's closes.
     */
    void mark() {
        journaled = 0;
        journaling = true;
    }

    /** Puts every bin changed since {@link #mark} back as it was then, refreshes their ancestors and stops the journal. */
    void undo() {
        journaling = false;
        for (int i = 0; i < journaled; i++) {
            int bin = journal[i];
            System.arraycopy(savedFree, i * dims, free, bin * dims, dims);
            closed[bin] = savedClosed[i];
            inJournal[bin] = false;
            writeLeaf(bin);
        }
        refreshAll(journal, journaled);
        journaled = 0;
    }

    /** Notes a bin's state before its first change since {@link #mark}. */
    private void journal(int bin) {
        if (!journaling || inJournal[bin]) {
            return;
        }
        if (journaled == journal.length) {
            int n = Math.max(16, journaled * 2);
            journal = Arrays.copyOf(journal, n);
            savedFree = Arrays.copyOf(savedFree, n * dims);
            savedClosed = Arrays.copyOf(savedClosed, n);
        }
        journal[journaled] = bin;
        System.arraycopy(free, bin * dims, savedFree, journaled * dims, dims);
        savedClosed[journaled] = closed[bin];
        journaled++;
        inJournal[bin] = true;
    }

    /**
     * Closes a bin without refreshing its ancestors, as {@link #load} opens one: the caller then refreshes them
     * ({@link #refreshAll} or {@link #build}).
     */
    void unload(int bin) {
        journal(bin);
        Arrays.fill(free, bin * dims, bin * dims + dims, CLOSED);
        closed[bin] = true;
        writeLeaf(bin);
    }

    /**
     * Refreshes the ancestors of the first {@code n} of {@code bins}, whose leaves were written ({@link #load},
     * {@link #unload}, {@link #undo}) while every other node was right: bin by bin, or all at once when that is cheaper.
     */
    void refreshAll(int[] bins, int n) {
        int depth = Integer.numberOfTrailingZeros(leaves) + 1;
        if ((long) n * depth > leaves) {
            build();
            return;
        }
        for (int i = 0; i < n; i++) {
            refresh(bins[i]);
        }
    }

    private void writeLeaf(int bin) {
        int leaf = (leaves + bin) * dims;
        if (closed[bin]) {
            Arrays.fill(max, leaf, leaf + dims, CLOSED);
        } else {
            System.arraycopy(free, bin * dims, max, leaf, dims);
        }
    }

    int capacity() {
        return leaves;
    }

    /** A copy of the free vectors of the first {@code bins} bins, to {@link #load} from once their leaves are written. */
    long[] freeOfFirst(int bins) {
        return Arrays.copyOf(free, bins * dims);
    }

    /** Sets a bin's free vector (from {@code src[off..off+dims)}), opens it and refreshes its ancestors. */
    void set(int bin, long[] src, int off) {
        if (bin >= leaves) {
            grow(bin + 1);
        }
        journal(bin);
        System.arraycopy(src, off, free, bin * dims, dims);
        closed[bin] = false;
        publish(bin);
    }

    /**
     * Sets bins {@code from .. from+count} to the free vector {@code src}, closed when it cannot hold {@code floor} (as
     * {@link #closeIfBelow}), and refreshes their ancestors level by level: O(count + log n), not count refreshes.
     */
    void setRun(int from, int count, long[] src, long[] floor) {
        if (count <= 0) {
            return;
        }
        if (from + count > leaves) {
            grow(from + count);
        }
        boolean shut = false;
        for (int d = 0; d < dims; d++) {
            shut |= src[d] < floor[d];
        }
        for (int bin = from; bin < from + count; bin++) {
            journal(bin);
            System.arraycopy(src, 0, free, bin * dims, dims);
            closed[bin] = shut;
            writeLeaf(bin);
        }
        for (int lo = (leaves + from) >> 1, hi = (leaves + from + count - 1) >> 1; lo >= 1; lo >>= 1, hi >>= 1) {
            for (int node = lo; node <= hi; node++) {
                pull(node);
            }
        }
    }

    /**
     * Sets a bin's free vector and opens it without refreshing its ancestors: after loading bins, {@link #build} once
     * (filling n bins costs O(n) instead of n refreshes of O(log n)).
     */
    void load(int bin, long[] src, int off) {
        journal(bin);
        System.arraycopy(src, off, free, bin * dims, dims);
        closed[bin] = false;
        System.arraycopy(src, off, max, (leaves + bin) * dims, dims);
    }

    /** Makes room for at least {@code bins} bins, the new ones closed. */
    void ensureCapacity(int bins) {
        if (bins > leaves) {
            grow(bins);
        }
    }

    /** Makes room for at least {@code bins} bins: the new ones closed, every inner node recomputed. */
    private void grow(int bins) {
        int n = leaves;
        while (n < bins) {
            n <<= 1;
        }
        long[] grown = new long[2 * n * dims];
        System.arraycopy(max, leaves * dims, grown, n * dims, leaves * dims);
        Arrays.fill(grown, (n + leaves) * dims, 2 * n * dims, CLOSED);
        max = grown;
        free = Arrays.copyOf(free, n * dims);
        Arrays.fill(free, leaves * dims, n * dims, CLOSED);
        closed = Arrays.copyOf(closed, n);
        Arrays.fill(closed, leaves, n, true);
        inJournal = Arrays.copyOf(inJournal, n);
        leaves = n;
        build();
    }

    /** Recomputes every inner node from its two children, bottom up: the tree is exact again after {@link #load}s. */
    void build() {
        for (int node = leaves - 1; node >= 1; node--) {
            pull(node);
        }
    }

    /** An inner node's maximum again from its two children's. */
    private void pull(int node) {
        int base = node * dims;
        int l = (node << 1) * dims;
        for (int d = 0; d < dims; d++) {
            max[base + d] = Math.max(max[l + d], max[l + dims + d]);
        }
    }

    /** Closes a bin: it is never returned by {@link #findFirst} until {@link #open}ed; its free capacity is kept. */
    void close(int bin) {
        if (!closed[bin]) {
            journal(bin);
            closed[bin] = true;
            publish(bin);
        }
    }

    void open(int bin) {
        if (closed[bin]) {
            journal(bin);
            closed[bin] = false;
            publish(bin);
        }
    }

    /** Closes the bin when it cannot hold even {@code floor} (the smallest request per dimension of any pod). */
    void closeIfBelow(int bin, long[] floor) {
        int base = bin * dims;
        for (int d = 0; d < dims; d++) {
            if (free[base + d] < floor[d]) {
                close(bin);
                return;
            }
        }
    }

    private void publish(int bin) {
        writeLeaf(bin);
        refresh(bin);
    }

    /** Subtracts {@code times} x {@code demand[off..off+dims)} from a bin; a negative {@code times} gives it back. */
    void take(int bin, long[] demand, int off, int times) {
        journal(bin);
        int base = bin * dims;
        for (int d = 0; d < dims; d++) {
            free[base + d] -= times * demand[off + d];
        }
        publish(bin);
    }

    /** Whether the bin is open and one {@code demand[off..off+dims)} fits in its free capacity. */
    boolean fitsOne(int bin, long[] demand, int off) {
        if (closed[bin]) {
            return false;
        }
        int base = bin * dims;
        for (int d = 0; d < dims; d++) {
            if (free[base + d] < demand[off + d]) {
                return false;
            }
        }
        return true;
    }

    /** How many copies of {@code demand} fit in the bin's free capacity. */
    long fitCount(int bin, long[] demand, int off) {
        return fitCount(free, bin * dims, demand, off);
    }

    /** How many copies of {@code demand} fit in the free vector {@code room} (a bin's, not in the tree yet). */
    long fitCount(long[] room, long[] demand, int off) {
        return fitCount(room, 0, demand, off);
    }

    private long fitCount(long[] room, int base, long[] demand, int off) {
        long n = Long.MAX_VALUE;
        for (int d = 0; d < dims; d++) {
            long need = demand[off + d];
            if (need > 0) {
                n = Math.min(n, Math.max(0, room[base + d]) / need);
            }
        }
        return n;
    }

    /** The leftmost open bin whose free capacity covers {@code demand[off..off+dims)}, or -1. */
    int findFirst(long[] demand, int off) {
        return findFirst(demand, off, 0);
    }

    /**
     * The leftmost open bin at or after {@code from} that covers the demand, or -1: ranges in order, left before right,
     * one that ends before {@code from} or does not cover passed whole. A loop rather than a recursion (the compiler
     * inlines no recursive call).
     */
    int findFirst(long[] demand, int off, int from) {
        int node = 1;
        int lo = 0; // node's range: [lo, lo + size)
        int size = leaves;
        while (true) {
            if (lo + size > from && covers(node, demand, off)) {
                if (node >= leaves) {
                    return lo;
                }
                node <<= 1; // its left half first
                size >>>= 1;
                continue;
            }
            while ((node & 1) == 1) { // a right half, done: up to the first range whose right half is still to see
                node >>= 1;
                if (node == 0) {
                    return -1; // the root done
                }
                lo -= size;
                size <<= 1;
            }
            node++; // the right half beside it
            lo += size;
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

    /**
     * Recomputes the ancestors of a bin's leaf, up to the first that keeps its value: those above it are right (each
     * node is recomputed after the last change of a child, so this holds for several leaves written before).
     */
    private void refresh(int bin) {
        int node = (leaves + bin) >> 1;
        while (node >= 1) {
            int base = node * dims;
            int l = (node << 1) * dims;
            int r = l + dims;
            boolean changed = false;
            for (int d = 0; d < dims; d++) {
                long m = Math.max(max[l + d], max[r + d]);
                if (m != max[base + d]) {
                    max[base + d] = m;
                    changed = true;
                }
            }
            if (!changed) {
                return;
            }
            node >>= 1;
        }
    }

    /** Whether the bin is closed (tests). */
    boolean closed(int bin) {
        return closed[bin];
    }

    /** The bin's free vector (tests). */
    long[] free(int bin) {
        return Arrays.copyOfRange(free, bin * dims, bin * dims + dims);
    }

    /** Whether every inner node holds the maximum of its children (tests). */
    boolean consistent() {
        for (int node = leaves - 1; node >= 1; node--) {
            for (int d = 0; d < dims; d++) {
                if (max[node * dims + d] != Math.max(max[2 * node * dims + d], max[(2 * node + 1) * dims + d])) {
                    return false;
                }
            }
        }
        for (int bin = 0; bin < leaves; bin++) {
            for (int d = 0; d < dims; d++) {
                if (max[(leaves + bin) * dims + d] != (closed[bin] ? CLOSED : free[bin * dims + d])) {
                    return false;
                }
            }
        }
        return true;
    }
}
