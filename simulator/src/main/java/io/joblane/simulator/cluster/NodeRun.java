package io.joblane.simulator.cluster;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Predicate;

/**
 * Nodes in node order (launch order), in short sorted blocks, so that adding, removing and finding the k-th node
 * stay cheap on a bucket of tens of thousands of empty nodes (a plain sorted list would move them all on every bind).
 * Each block keeps its nodes' launch numbers in an array of its own, so that finding a node's place reads one array
 * rather than a node object per step (the nodes are scattered on the heap). The cluster's sets ({@link #add} and
 * {@link #remove} of nodes known to be out or in) and a policy's ({@link #addIfAbsent}, {@link #removeIfPresent},
 * {@link #removeIf}). Single-threaded; not to be changed while walked.
 */
public final class NodeRun implements Iterable<SimNode> {
    private static final int BLOCK = 256;

    /** A sorted run of nodes and their launch numbers (and lane ends, when kept), side by side. */
    private static final class Block {
        SimNode[] nodes;
        long[] seqs;
        /** Each node's {@code laneEndMinutes} in a run that keeps them, else null. */
        long[] laneEnds;

        int size;

        Block(int capacity, boolean keepsLaneEnds) {
            nodes = new SimNode[capacity];
            seqs = new long[capacity];
            laneEnds = keepsLaneEnds ? new long[capacity] : null;
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
                laneEnds = laneEnds == null ? null : Arrays.copyOf(laneEnds, size * 2);
            }
            System.arraycopy(nodes, at, nodes, at + 1, size - at);
            System.arraycopy(seqs, at, seqs, at + 1, size - at);
            nodes[at] = node;
            seqs[at] = node.seq;
            if (laneEnds != null) {
                System.arraycopy(laneEnds, at, laneEnds, at + 1, size - at);
                laneEnds[at] = node.laneEndMinutes;
            }
            size++;
        }

        void delete(int at) {
            System.arraycopy(nodes, at + 1, nodes, at, size - at - 1);
            System.arraycopy(seqs, at + 1, seqs, at, size - at - 1);
            if (laneEnds != null) {
                System.arraycopy(laneEnds, at + 1, laneEnds, at, size - at - 1);
            }
            nodes[--size] = null;
        }
    }

    /**
     * Whether each block keeps its nodes' lane ends beside them (a load bucket's run, which the cluster tells of every
     * lane-end change): the scheduler then reads them without reaching each node object. A run starts keeping them
     * when the first pod with a lane is scheduled ({@link #keepLaneEnds}): most policies have none.
     */
    private boolean keepsLaneEnds;

    private final List<Block> blocks = new ArrayList<>();
    /** Each block's last launch number, beside {@link #blocks}: finding a block reads this one array. */
    private long[] lasts = new long[4];
    /** The last block emptied, kept to start the run again without allocating (buckets empty and fill all the time). */
    private Block spare;

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
        int b = blockFor(node.seq);
        if (b < 0) {
            Block block = spare != null ? spare : new Block(16, keepsLaneEnds);
            spare = null;
            block.insert(0, node);
            addBlock(0, block);
        } else {
            Block block = blocks.get(b);
            int at = block.find(node.seq);
            if (ifAbsent && at >= 0) {
                return false;
            }
            block.insert(-at - 1, node);
            lasts[b] = block.last();
            if (block.size > 2 * BLOCK) {
                Block upper = new Block(2 * BLOCK, keepsLaneEnds);
                int n = block.size - BLOCK;
                System.arraycopy(block.nodes, BLOCK, upper.nodes, 0, n);
                System.arraycopy(block.seqs, BLOCK, upper.seqs, 0, n);
                if (keepsLaneEnds) {
                    System.arraycopy(block.laneEnds, BLOCK, upper.laneEnds, 0, n);
                }
                upper.size = n;
                Arrays.fill(block.nodes, BLOCK, block.size, null);
                block.size = BLOCK;
                lasts[b] = block.last();
                addBlock(b + 1, upper);
            }
        }
        size++;
        return true;
    }

    /** Removes {@code node}, which is in. */
    void remove(SimNode node) {
        int b = blockFor(node.seq);
        Block block = blocks.get(b);
        block.delete(block.find(node.seq));
        if (block.size == 0) {
            removeBlock(b);
            spare = block;
        } else {
            lasts[b] = block.last();
        }
        size--;
    }

    private void addBlock(int b, Block block) {
        int count = blocks.size();
        if (count == lasts.length) {
            lasts = Arrays.copyOf(lasts, count * 2);
        }
        System.arraycopy(lasts, b, lasts, b + 1, count - b);
        lasts[b] = block.last();
        blocks.add(b, block);
    }

    private void removeBlock(int b) {
        System.arraycopy(lasts, b + 1, lasts, b, blocks.size() - b - 1);
        blocks.remove(b);
    }

    /** Removes {@code node} if it is in; whether it was. */
    public boolean removeIfPresent(SimNode node) {
        int b = blockFor(node.seq);
        if (b < 0 || blocks.get(b).find(node.seq) < 0) {
            return false;
        }
        remove(node);
        return true;
    }

    public void clear() {
        blocks.clear();
        size = 0;
    }

    /** Removes every node {@code drop} says to, keeping the order of the rest. */
    public void removeIf(Predicate<SimNode> drop) {
        int keptBlocks = 0;
        for (Block block : blocks) {
            int kept = 0;
            for (int i = 0; i < block.size; i++) {
                if (!drop.test(block.nodes[i])) {
                    block.nodes[kept] = block.nodes[i];
                    if (keepsLaneEnds) {
                        block.laneEnds[kept] = block.laneEnds[i];
                    }
                    block.seqs[kept++] = block.seqs[i];
                }
            }
            Arrays.fill(block.nodes, kept, block.size, null);
            size -= block.size - kept;
            block.size = kept;
            if (kept > 0) {
                lasts[keptBlocks] = block.last();
                blocks.set(keptBlocks++, block);
            }
        }
        blocks.subList(keptBlocks, blocks.size()).clear();
    }

    /** From now on keeps the nodes' lane ends beside them, read from the nodes once. */
    void keepLaneEnds() {
        if (keepsLaneEnds) {
            return;
        }
        keepsLaneEnds = true;
        for (Block block : blocks) {
            block.laneEnds = new long[block.nodes.length];
            for (int i = 0; i < block.size; i++) {
                block.laneEnds[i] = block.nodes[i].laneEndMinutes;
            }
        }
        spare = null; // made without them
    }

    /** Takes {@code node}'s new lane end, in a run that holds the node; one not keeping lane ends has none to take. */
    void laneEndChanged(SimNode node) {
        if (!keepsLaneEnds) {
            return;
        }
        Block block = blocks.get(blockFor(node.seq));
        block.laneEnds[block.find(node.seq)] = node.laneEndMinutes;
    }

    /** How many blocks; with {@link #blockNodes}, {@link #blockLaneEnds} and {@link #blockSize}, a walk in order. */
    int blockCount() {
        return blocks.size();
    }

    SimNode[] blockNodes(int b) {
        return blocks.get(b).nodes;
    }

    /** Block {@code b}'s lane ends beside its nodes; only of a run that keeps them. */
    long[] blockLaneEnds(int b) {
        return blocks.get(b).laneEnds;
    }

    int blockSize(int b) {
        return blocks.get(b).size;
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
        int count = blocks.size();
        if (count <= 1) {
            return count - 1;
        }
        int lo = 0;
        int hi = count - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (lasts[mid] < seq) {
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
