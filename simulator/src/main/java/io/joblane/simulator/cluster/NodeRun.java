package io.joblane.simulator.cluster;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Nodes in node order (launch order), in short sorted blocks, so that adding, removing and finding the k-th node
 * stay cheap on a bucket of tens of thousands of empty nodes (a plain sorted list would move them all on every bind).
 * Each block keeps its nodes' launch numbers in an array of its own, so that finding a node's place reads one array
 * rather than a node object per step (the nodes are scattered on the heap). Single-threaded.
 */
final class NodeRun implements Iterable<SimNode> {
    private static final int BLOCK = 256;

    /** A sorted run of nodes and their launch numbers, side by side. */
    private static final class Block {
        SimNode[] nodes;
        long[] seqs;
        int size;

        Block(int capacity) {
            nodes = new SimNode[capacity];
            seqs = new long[capacity];
        }

        long last() {
            return seqs[size - 1];
        }

        /** The position of {@code seq}, or -(insertion point) - 1. */
        int find(long seq) {
            return Arrays.binarySearch(seqs, 0, size, seq);
        }

        void insert(int at, SimNode node) {
            if (size == nodes.length) {
                nodes = Arrays.copyOf(nodes, size * 2);
                seqs = Arrays.copyOf(seqs, size * 2);
            }
            System.arraycopy(nodes, at, nodes, at + 1, size - at);
            System.arraycopy(seqs, at, seqs, at + 1, size - at);
            nodes[at] = node;
            seqs[at] = node.seq;
            size++;
        }

        void delete(int at) {
            System.arraycopy(nodes, at + 1, nodes, at, size - at - 1);
            System.arraycopy(seqs, at + 1, seqs, at, size - at - 1);
            nodes[--size] = null;
        }
    }

    private final List<Block> blocks = new ArrayList<>();
    private int size;

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    void add(SimNode node) {
        int b = blockFor(node.seq);
        if (b < 0) {
            Block block = new Block(16);
            block.insert(0, node);
            blocks.add(block);
        } else {
            Block block = blocks.get(b);
            block.insert(-block.find(node.seq) - 1, node);
            if (block.size > 2 * BLOCK) {
                Block upper = new Block(2 * BLOCK);
                int n = block.size - BLOCK;
                System.arraycopy(block.nodes, BLOCK, upper.nodes, 0, n);
                System.arraycopy(block.seqs, BLOCK, upper.seqs, 0, n);
                upper.size = n;
                Arrays.fill(block.nodes, BLOCK, block.size, null);
                block.size = BLOCK;
                blocks.add(b + 1, upper);
            }
        }
        size++;
    }

    void remove(SimNode node) {
        int b = blockFor(node.seq);
        Block block = blocks.get(b);
        block.delete(block.find(node.seq));
        if (block.size == 0) {
            blocks.remove(b);
        }
        size--;
    }

    /** The {@code k}-th node in node order, from 0. */
    SimNode get(int k) {
        for (Block block : blocks) {
            if (k < block.size) {
                return block.nodes[k];
            }
            k -= block.size;
        }
        throw new IndexOutOfBoundsException(k);
    }

    /** The block that holds, or would hold, launch number {@code seq}: the first whose last is not before it; -1 if empty. */
    private int blockFor(long seq) {
        if (blocks.isEmpty()) {
            return -1;
        }
        int lo = 0;
        int hi = blocks.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (blocks.get(mid).last() < seq) {
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
                Block b = blocks.get(block);
                SimNode n = b.nodes[at++];
                if (at == b.size) {
                    block++;
                    at = 0;
                }
                return n;
            }
        };
    }
}
