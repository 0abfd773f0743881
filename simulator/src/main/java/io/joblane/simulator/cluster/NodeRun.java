package io.joblane.simulator.cluster;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Predicate;

/**
 * Nodes in node order (launch order), in pages of 64 launch numbers each: a node's page is found by a binary search
 * over the pages' numbers, and its slot in the page is its launch number's low six bits, so adding or removing a node
 * sets or clears one bit and moves nothing (a sorted array would move its neighbours on every bind: the buckets of a
 * static cluster hold tens of thousands of empty nodes). A page's bits give its nodes in order; a page is dropped when
 * its last node goes. The cluster's sets ({@link #add} and {@link #remove} of nodes known to be out or in) and a
 * policy's ({@link #addIfAbsent}, {@link #removeIfPresent}, {@link #removeIf}). Single-threaded; not to be changed
 * while walked.
 */
public final class NodeRun implements Iterable<SimNode> {
    private static final int PAGE_SHIFT = 6;
    private static final int PAGE_SLOTS = 1 << PAGE_SHIFT;
    private static final int SLOT_MASK = PAGE_SLOTS - 1;
    /** Emptied pages kept for new ones: a sparse run opens and drops a page at nearly every change. */
    private static final int SPARE_PAGES = 4;

    /** The nodes of 64 consecutive launch numbers, each in the slot of its number's low bits, and which are in. */
    private static final class Page {
        long bits;
        final SimNode[] nodes = new SimNode[PAGE_SLOTS];
        /** Each node's {@code laneEndMinutes} in a run that keeps them, else null. */
        long[] laneEnds;
    }

    /**
     * Whether each page keeps its nodes' lane ends beside them (a load bucket's run, which the cluster tells of every
     * lane-end change): the scheduler then reads them without reaching each node object. A run starts keeping them
     * when the first pod with a lane is scheduled ({@link #keepLaneEnds}): most policies have none.
     */
    private boolean keepsLaneEnds;

    /** The pages' numbers (launch number over 64), ascending, beside {@link #pages}: a search reads this one array. */
    private long[] pageNumbers = new long[4];

    private Page[] pages = new Page[4];
    private int pageCount;
    private final Page[] spare = new Page[SPARE_PAGES];
    private int spareCount;

    private int size;

    /** A run that does not keep lane ends. */
    public NodeRun() {
        this(false);
    }

    NodeRun(boolean keepsLaneEnds) {
        this.keepsLaneEnds = keepsLaneEnds;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** Adds {@code node}, which is not in. */
    void add(SimNode node) {
        insert(node, false);
    }

    /** Adds {@code node} unless it is in already; whether it was added. */
    public boolean addIfAbsent(SimNode node) {
        return insert(node, true);
    }

    private boolean insert(SimNode node, boolean ifAbsent) {
        long number = node.seq >>> PAGE_SHIFT;
        int p = find(number);
        Page page;
        if (p < 0) {
            p = -p - 1;
            page = openPage(p, number);
        } else {
            page = pages[p];
        }
        int slot = (int) node.seq & SLOT_MASK;
        long bit = 1L << slot;
        if ((page.bits & bit) != 0) {
            if (ifAbsent) {
                return false;
            }
            throw new IllegalStateException("node " + node.seq + " is in the run already");
        }
        page.bits |= bit;
        page.nodes[slot] = node;
        if (keepsLaneEnds) {
            page.laneEnds[slot] = node.laneEndMinutes;
        }
        size++;
        return true;
    }

    /** Removes {@code node}, which is in. */
    void remove(SimNode node) {
        int p = find(node.seq >>> PAGE_SHIFT);
        if (p < 0 || !take(p, node)) {
            throw new IllegalStateException("node " + node.seq + " is not in the run");
        }
    }

    /** Removes {@code node} if it is in; whether it was. */
    public boolean removeIfPresent(SimNode node) {
        int p = find(node.seq >>> PAGE_SHIFT);
        return p >= 0 && take(p, node);
    }

    /** Clears {@code node}'s slot of page {@code p} if it holds it; whether it did. */
    private boolean take(int p, SimNode node) {
        Page page = pages[p];
        int slot = (int) node.seq & SLOT_MASK;
        long bit = 1L << slot;
        if ((page.bits & bit) == 0) {
            return false;
        }
        page.bits &= ~bit;
        page.nodes[slot] = null;
        size--;
        if (page.bits == 0) {
            dropPage(p);
        }
        return true;
    }

    private Page openPage(int p, long number) {
        Page page = spareCount > 0 ? spare[--spareCount] : new Page();
        if (keepsLaneEnds && page.laneEnds == null) {
            page.laneEnds = new long[PAGE_SLOTS];
        }
        if (pageCount == pages.length) {
            pages = Arrays.copyOf(pages, pageCount * 2);
            pageNumbers = Arrays.copyOf(pageNumbers, pageCount * 2);
        }
        System.arraycopy(pages, p, pages, p + 1, pageCount - p);
        System.arraycopy(pageNumbers, p, pageNumbers, p + 1, pageCount - p);
        pages[p] = page;
        pageNumbers[p] = number;
        pageCount++;
        return page;
    }

    /** Drops page {@code p}, which is empty (its slots null), keeping it for a new page when there is room. */
    private void dropPage(int p) {
        Page page = pages[p];
        System.arraycopy(pages, p + 1, pages, p, pageCount - p - 1);
        System.arraycopy(pageNumbers, p + 1, pageNumbers, p, pageCount - p - 1);
        pages[--pageCount] = null;
        if (spareCount < SPARE_PAGES) {
            spare[spareCount++] = page;
        }
    }

    public void clear() {
        for (int p = 0; p < pageCount; p++) {
            Page page = pages[p];
            page.bits = 0;
            Arrays.fill(page.nodes, null);
            pages[p] = null;
        }
        pageCount = 0;
        size = 0;
    }

    /** Removes every node {@code drop} says to, keeping the order of the rest. */
    public void removeIf(Predicate<SimNode> drop) {
        int kept = 0;
        for (int p = 0; p < pageCount; p++) {
            Page page = pages[p];
            for (long m = page.bits; m != 0; m &= m - 1) {
                int slot = Long.numberOfTrailingZeros(m);
                if (drop.test(page.nodes[slot])) {
                    page.bits &= ~(1L << slot);
                    page.nodes[slot] = null;
                    size--;
                }
            }
            if (page.bits != 0) {
                pageNumbers[kept] = pageNumbers[p];
                pages[kept++] = page;
            }
        }
        Arrays.fill(pages, kept, pageCount, null);
        pageCount = kept;
    }

    /** From now on keeps the nodes' lane ends beside them, read from the nodes once. */
    void keepLaneEnds() {
        if (keepsLaneEnds) {
            return;
        }
        keepsLaneEnds = true;
        for (int p = 0; p < pageCount; p++) {
            Page page = pages[p];
            page.laneEnds = new long[PAGE_SLOTS];
            for (long m = page.bits; m != 0; m &= m - 1) {
                int slot = Long.numberOfTrailingZeros(m);
                page.laneEnds[slot] = page.nodes[slot].laneEndMinutes;
            }
        }
    }

    /** Takes {@code node}'s new lane end, in a run that holds the node; one not keeping lane ends has none to take. */
    void laneEndChanged(SimNode node) {
        if (!keepsLaneEnds) {
            return;
        }
        pages[find(node.seq >>> PAGE_SHIFT)].laneEnds[(int) node.seq & SLOT_MASK] = node.laneEndMinutes;
    }

    /**
     * How many pages; with {@link #pageBits}, {@link #pageNodes} and {@link #pageLaneEnds}, a walk in order: page by
     * page, and in a page the slots of its set bits, lowest first.
     */
    int pageCount() {
        return pageCount;
    }

    /** Page {@code p}'s slots that hold a node, as bits. */
    long pageBits(int p) {
        return pages[p].bits;
    }

    /** Page {@code p}'s nodes by slot (null where its bit is clear). */
    SimNode[] pageNodes(int p) {
        return pages[p].nodes;
    }

    /** Page {@code p}'s lane ends by slot; only of a run that keeps them. */
    long[] pageLaneEnds(int p) {
        return pages[p].laneEnds;
    }

    /** The {@code k}-th node in node order, from 0. */
    SimNode get(int k) {
        for (int p = 0; p < pageCount; p++) {
            long bits = pages[p].bits;
            int count = Long.bitCount(bits);
            if (k < count) {
                for (; k > 0; k--) {
                    bits &= bits - 1;
                }
                return pages[p].nodes[Long.numberOfTrailingZeros(bits)];
            }
            k -= count;
        }
        throw new IndexOutOfBoundsException(k);
    }

    /** Page {@code number}'s place, or -(where it would go) - 1. */
    private int find(long number) {
        return Arrays.binarySearch(pageNumbers, 0, pageCount, number);
    }

    @Override
    public Iterator<SimNode> iterator() {
        return new Iterator<>() {
            private int page;
            private long left = pageCount > 0 ? pages[0].bits : 0;

            @Override
            public boolean hasNext() {
                return left != 0;
            }

            @Override
            public SimNode next() {
                if (left == 0) {
                    throw new NoSuchElementException();
                }
                SimNode n = pages[page].nodes[Long.numberOfTrailingZeros(left)];
                left &= left - 1;
                if (left == 0 && ++page < pageCount) {
                    left = pages[page].bits;
                }
                return n;
            }
        };
    }
}
