package io.joblane.simulator.policy;

import io.joblane.simulator.cluster.SimNode;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Predicate;

/**
 * Nodes in node order (launch order), each at most once, in two arrays side by side (the nodes and their launch
 * numbers): walking it reads one array instead of a tree's entries scattered on the heap, and a scan walks the set
 * several times. Adding and removing move the entries after the place, cheap for the few thousand nodes of a group.
 * Single-threaded; not to be changed while walked.
 */
final class NodeSet implements Iterable<SimNode> {
    private SimNode[] nodes = new SimNode[16];
    private long[] seqs = new long[16];
    private int size;

    int size() {
        return size;
    }

    /** The {@code i}-th node in node order. */
    SimNode get(int i) {
        return nodes[i];
    }

    void add(SimNode n) {
        int at = Arrays.binarySearch(seqs, 0, size, n.launchOrder());
        if (at >= 0) {
            return;
        }
        at = -at - 1;
        if (size == nodes.length) {
            nodes = Arrays.copyOf(nodes, size * 2);
            seqs = Arrays.copyOf(seqs, size * 2);
        }
        System.arraycopy(nodes, at, nodes, at + 1, size - at);
        System.arraycopy(seqs, at, seqs, at + 1, size - at);
        nodes[at] = n;
        seqs[at] = n.launchOrder();
        size++;
    }

    void remove(SimNode n) {
        int at = Arrays.binarySearch(seqs, 0, size, n.launchOrder());
        if (at < 0) {
            return;
        }
        System.arraycopy(nodes, at + 1, nodes, at, size - at - 1);
        System.arraycopy(seqs, at + 1, seqs, at, size - at - 1);
        nodes[--size] = null;
    }

    void clear() {
        Arrays.fill(nodes, 0, size, null);
        size = 0;
    }

    /** Removes every node {@code drop} says to, keeping the order of the rest. */
    void removeIf(Predicate<SimNode> drop) {
        int kept = 0;
        for (int i = 0; i < size; i++) {
            if (!drop.test(nodes[i])) {
                nodes[kept] = nodes[i];
                seqs[kept++] = seqs[i];
            }
        }
        Arrays.fill(nodes, kept, size, null);
        size = kept;
    }

    @Override
    public Iterator<SimNode> iterator() {
        return new Iterator<>() {
            private int at;

            @Override
            public boolean hasNext() {
                return at < size;
            }

            @Override
            public SimNode next() {
                if (at >= size) {
                    throw new NoSuchElementException();
                }
                return nodes[at++];
            }
        };
    }
}
