package io.joblane.simulator.policy;

import io.joblane.simulator.cluster.SimCluster;
import io.joblane.simulator.cluster.SimNode;
import io.joblane.simulator.cluster.SimPod;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * cluster-autoscaler's drain simulation (for Job pods without {@code safe-to-evict: "false"}): the free room of the
 * nodes that accept pods, each on its own shape, in node order, kept across scans and updated only for the nodes
 * the cluster says changed, instead of gathered from every node at every scan. Within a scan, moved pods stay where
 * the simulation put them and unneeded nodes take no pods; {@link #endScan} puts the room back as the cluster has
 * it. First fit through a {@link RoomTree}. Single-threaded.
 */
final class DrainRoom {
    /** The nodes seen, in node order; removed ones stay (taking nothing) until the arrays are made again. */
    private SimNode[] slots = new SimNode[0];

    private long[] seqs = new long[0];
    private int count;
    private RoomTree tree = new RoomTree(0);
    /**
     * Places the scan in progress changes (moved pods, unneeded nodes): those before {@link #unwrittenFrom} were
     * written and are put back as the cluster has them at the scan's end.
     */
    private int[] touched = new int[16];

    private int touchedCount;
    /**
     * The touched places from here on are unneeded nodes not closed in the tree yet: closed all at once at the next
     * search (ranges shared by several are then computed once), never when no search follows, as in most scans.
     */
    private int unwrittenFrom;

    /** {@code n} changed (or is seen for the first time): its room as the cluster has it now. */
    void update(SimNode n) {
        int slot = indexOf(n);
        if (slot < 0) {
            if (n.isRemoved()) {
                return; // never a destination while it was seen
            }
            if (count < slots.length && (count == 0 || seqs[count - 1] < n.launchOrder())) {
                slot = count++;
                slots[slot] = n;
                seqs[slot] = n.launchOrder();
                n.drainSlot = slot;
            } else {
                remake(n); // full, or a node older than the last seen: make the arrays again, in node order
                return;
            }
        }
        setReal(slot);
    }

    /** The arrays again: the live nodes and {@code added}, in node order, with room to grow. */
    private void remake(SimNode added) {
        List<SimNode> live = new ArrayList<>(count + 1);
        for (int i = 0; i < count; i++) {
            if (!slots[i].isRemoved()) {
                live.add(slots[i]);
            }
        }
        int at = 0;
        while (at < live.size() && live.get(at).launchOrder() < added.launchOrder()) {
            at++;
        }
        live.add(at, added);
        int capacity = Math.max(16, 2 * live.size());
        slots = live.toArray(new SimNode[capacity]);
        seqs = new long[capacity];
        count = live.size();
        tree = new RoomTree(capacity);
        for (int i = 0; i < count; i++) {
            seqs[i] = slots[i].launchOrder();
            SimNode n = slots[i];
            n.drainSlot = i;
            if (n.acceptsPods() && !n.isRemoved()) {
                tree.put(i, freeCpu(n), freeMemory(n), n.shape.gpus() - n.usedGpu, n.shape.pods() - n.usedPods);
            }
        }
        tree.build();
        touchedCount = 0; // every place is as the cluster has it
        unwrittenFrom = 0;
    }

    private void setReal(int slot) {
        putReal(slot);
        tree.refresh(slot);
    }

    /** The slot's leaf as the cluster has it, the ranges above it left as they are. */
    private void putReal(int slot) {
        SimNode n = slots[slot];
        if (n.acceptsPods() && !n.isRemoved()) {
            tree.put(slot, freeCpu(n), freeMemory(n), n.shape.gpus() - n.usedGpu, n.shape.pods() - n.usedPods);
        } else {
            tree.closeLeaf(slot);
        }
    }

    private static long freeCpu(SimNode n) {
        return n.shape.cpuMillis() - n.usedCpu;
    }

    private static long freeMemory(SimNode n) {
        return n.shape.memoryMillis() - n.usedMemory;
    }

    /**
     * The node's slot, or -1: every node put in a slot is told its slot (a search by launch number cost a cache miss
     * a step), and a node dropped by {@link #remake} or never seen finds another node, or none, at its number.
     */
    private int indexOf(SimNode n) {
        int slot = n.drainSlot;
        return slot >= 0 && slot < count && slots[slot] == n ? slot : -1;
    }

    private void touch(int slot) {
        if (touchedCount == touched.length) {
            touched = Arrays.copyOf(touched, touchedCount * 2);
        }
        touched[touchedCount++] = slot;
    }

    /** An unneeded node takes no moved pods for the rest of the scan. */
    void leave(SimNode n) {
        int slot = indexOf(n);
        if (slot >= 0) {
            touch(slot); // closed at the next search, if one comes
        }
    }

    /** Each of the victim's pods, first fit in node order, on the other nodes; kept there when all fit. */
    boolean placeElsewhere(SimNode victim) {
        for (int i = unwrittenFrom; i < touchedCount; i++) {
            tree.closeLeaf(touched[i]);
        }
        for (int i = unwrittenFrom; i < touchedCount; i++) {
            tree.refresh(touched[i]);
        }
        int self = indexOf(victim);
        long[] own = self >= 0 ? tree.get(self) : null;
        if (own != null) {
            tree.close(self); // its own pods do not move onto it
        }
        int[] where = new int[victim.pods.size()];
        int placed = 0;
        for (SimPod p : victim.pods) {
            int found = tree.first(p, i -> SimCluster.inZone(p, slots[i]));
            if (found < 0) {
                break;
            }
            tree.take(found, p, -1);
            touch(found);
            where[placed++] = found;
        }
        boolean all = placed == where.length;
        for (int j = 0; !all && j < placed; j++) {
            tree.take(where[j], victim.pods.get(j), 1); // not all fit: give the room back
        }
        if (own != null) {
            tree.set(self, own[0], own[1], own[2], own[3]);
        }
        unwrittenFrom = touchedCount; // the places the pods took are written
        return all;
    }

    /**
     * After the scan's look at the nodes: the room as the cluster has it again, every written leaf put back before any
     * range is computed, so a range over several is computed once; leaves never written need nothing.
     */
    void endScan() {
        for (int i = 0; i < unwrittenFrom; i++) {
            putReal(touched[i]);
        }
        for (int i = 0; i < unwrittenFrom; i++) {
            tree.refresh(touched[i]);
        }
        touchedCount = 0;
        unwrittenFrom = 0;
    }
}
