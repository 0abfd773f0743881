package io.joblane.simulator.cluster;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Nodes in node order (launch order), in short sorted blocks, so that adding, removing and finding the k-th node
 * stay cheap on a bucket of tens of thousands of empty nodes (a plain sorted list would move them all on every bind).
 * Single-threaded.
 */
final class NodeRun implements Iterable<SimNode> {
    private static final int BLOCK = 256;

    private final List<List<SimNode>> blocks = new ArrayList<>();
    private int size;

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    void add(SimNode node) {
        int b = blockFor(node);
        if (b < 0) {
            List<SimNode> block = new ArrayList<>(BLOCK);
            block.add(node);
            blocks.add(block);
        } else {
            List<SimNode> block = blocks.get(b);
            int at = Collections.binarySearch(block, node, LoadBuckets.NODE_ORDER);
            block.add(-at - 1, node);
            if (block.size() > 2 * BLOCK) {
                List<SimNode> upper = new ArrayList<>(block.subList(BLOCK, block.size()));
                block.subList(BLOCK, block.size()).clear();
                blocks.add(b + 1, upper);
            }
        }
        size++;
    }

    void remove(SimNode node) {
        int b = blockFor(node);
        List<SimNode> block = blocks.get(b);
        block.remove(Collections.binarySearch(block, node, LoadBuckets.NODE_ORDER));
        if (block.isEmpty()) {
            blocks.remove(b);
        }
        size--;
    }

    /** The {@code k}-th node in node order, from 0. */
    SimNode get(int k) {
        for (List<SimNode> block : blocks) {
            if (k < block.size()) {
                return block.get(k);
            }
            k -= block.size();
        }
        throw new IndexOutOfBoundsException(k);
    }

    /** The block that holds, or would hold, {@code node}: the first whose last node is not before it; -1 if empty. */
    private int blockFor(SimNode node) {
        if (blocks.isEmpty()) {
            return -1;
        }
        int lo = 0;
        int hi = blocks.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            List<SimNode> block = blocks.get(mid);
            if (block.get(block.size() - 1).seq < node.seq) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    @Override
    public Iterator<SimNode> iterator() {
        return new Iterator<>() {
            private int block;
            private int at;

            @Override
            public boolean hasNext() {
                return block < blocks.size();
            }

            @Override
            public SimNode next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                List<SimNode> b = blocks.get(block);
                SimNode n = b.get(at++);
                if (at == b.size()) {
                    block++;
                    at = 0;
                }
                return n;
            }
        };
    }
}
