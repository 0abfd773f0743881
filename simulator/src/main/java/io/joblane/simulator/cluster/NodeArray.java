package io.joblane.simulator.cluster;

import java.util.Arrays;

/**
 * The cluster's nodes in launch order as an array, beside its map: a launch appends; removed nodes are dropped at the
 * next read, or once they are half of it (a policy that never reads it must not keep every node ever launched). For
 * a policy that walks every node for every pod, where a linked map's walk costs more. Single-threaded.
 */
final class NodeArray {
    private SimNode[] nodes = new SimNode[16];
    private int count;
    private int removed;

    void launched(SimNode node) {
        if (count == nodes.length) {
            nodes = Arrays.copyOf(nodes, 2 * count);
        }
        nodes[count++] = node;
    }

    /** A node of the array was removed from the cluster. */
    void removed() {
        if (++removed > count / 2) {
            compact();
        }
    }

    /** The live nodes in the first places (as many as the cluster has), the rest null. */
    SimNode[] read() {
        if (removed > 0) {
            compact();
        }
        return nodes;
    }

    /** How many places are taken, removed nodes not yet dropped included. */
    int held() {
        return count;
    }

    private void compact() {
        int kept = 0;
        for (int i = 0; i < count; i++) {
            if (!nodes[i].isRemoved()) {
                nodes[kept++] = nodes[i];
            }
        }
        Arrays.fill(nodes, kept, count, null);
        count = kept;
        removed = 0;
    }
}
