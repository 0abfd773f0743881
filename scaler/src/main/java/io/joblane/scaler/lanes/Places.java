package io.joblane.scaler.lanes;

import io.joblane.scaler.plan.NodeEdits;
import java.util.Arrays;
import java.util.List;

/**
 * Where {@link NodeEnds}' last run left each node's derivation, so that a run handed {@link NodeEdits} carries the
 * untouched places over (in place when no node moved, else run by run) and finds the few places it must look at without reading every node: each node has a
 * slot while it stays listed (a derivation knows its node's slot), from which its place in this run's list is found;
 * the slots of the nodes to derive at every run (a pod without a start, pods not kept on a {@link LaneNodePods}) and
 * of those whose label still differed are listed. Loop thread only.
 */
final class Places {
    /** The list the last run was given: the edits must start from it. */
    List<LaneNode> nodes;

    private NodeEnds.Derived[] derived;
    private int[] slotAt;
    private int[] placeOfSlot;
    private boolean[] hasEnd;
    private int[] freeSlots = new int[8];
    private int free;
    private int slots;
    /** The slots of the nodes derived at every run, and of those whose label differed at their last look. */
    private final SlotList everyRun = new SlotList();

    private final SlotList differing = new SlotList();
    /** This run's places that the edits touched (their derivation to be found). */
    private int[] fresh = new int[0];
    /**
     * The mark of the derivations of the last run's places that this run's list no longer holds at an untouched place:
     * a new object each run, set on each such derivation ({@link NodeEnds.Derived#went}), so a look is one compare
     * rather than a map filled with every place the edits touched.
     */
    private Object went = new Object();

    private Places() {}

    /** After a run that looked at every node: each node gets the slot of its place. */
    static Places after(List<LaneNode> nodes, NodeEnds.Derived[] derived, LanePods pods, boolean[] differs) {
        Places p = new Places();
        int n = derived.length;
        p.nodes = nodes;
        p.derived = derived;
        p.slotAt = new int[n];
        p.placeOfSlot = new int[Math.max(8, n)];
        p.everyRun.grow(p.placeOfSlot.length);
        p.differing.grow(p.placeOfSlot.length);
        p.hasEnd = new boolean[n];
        p.slots = n;
        for (int i = 0; i < n; i++) {
            p.slotAt[i] = i;
            p.placeOfSlot[i] = i;
            p.looked(i, derived[i], pods.ofNodes().get(i), differs[i]);
        }
        return p;
    }

    /**
     * This run's derivations by place: the last run's at the places {@code was} carries over, null at the others
     * ({@link #fresh}), which get new slots; {@code nodes} becomes the list the next edits must start from.
     */
    NodeEnds.Derived[] next(List<LaneNode> now, int[] was) {
        int n = was.length;
        int[] runs = NodeEdits.runs(was);
        NodeEnds.Derived[] out = new NodeEnds.Derived[n];
        int[] slotsNow = new int[n];
        boolean[] endNow = new boolean[n];
        NodeEdits.copyRuns(runs, derived, out);
        NodeEdits.copyRuns(runs, slotAt, slotsNow);
        NodeEdits.copyRuns(runs, hasEnd, endNow);
        release(NodeEdits.left(runs, derived.length));
        fresh = NodeEdits.fresh(runs, n);
        for (int i : fresh) {
            slotsNow[i] = takeSlot(i);
        }
        for (int r = 0; r < runs.length; r += 3) { // a carried slot's place changes only where its run moved
            if (runs[r] != runs[r + 1]) {
                for (int i = runs[r]; i < runs[r] + runs[r + 2]; i++) {
                    placeOfSlot[slotsNow[i]] = i;
                }
            }
        }
        nodes = now;
        derived = out;
        slotAt = slotsNow;
        hasEnd = endNow;
        return out;
    }

    /**
     * As {@link #next} when no place moved and only {@code changed} (in order, each once) were touched: the slots and
     * end flags patched in place, the derivations copied once (the last run's array stays with the ends it handed).
     */
    NodeEnds.Derived[] keep(List<LaneNode> now, int[] changed) {
        NodeEnds.Derived[] out = Arrays.copyOf(derived, derived.length);
        release(changed); // all freed before any is taken again, as next() frees and takes them
        for (int i : changed) {
            out[i] = null;
            hasEnd[i] = false;
            slotAt[i] = takeSlot(i);
        }
        fresh = changed;
        nodes = now;
        derived = out;
        return out;
    }

    /** The places {@code edits} changed in place from the last run's list, or null when they moved some or are not its. */
    int[] placesChangedOnly(NodeEdits edits, List<LaneNode> now) {
        return edits.between(nodes, now) && derived.length == now.size() ? edits.changedPlaces(now.size()) : null;
    }

    /** The last run's places not carried over: their slots are freed, their derivations may be found again. */
    private void release(int[] left) {
        went = new Object();
        for (int q : left) {
            if (derived[q] != null) { // every place has one after a whole run; a guard costs nothing
                derived[q].went = went;
            }
            freeSlot(slotAt[q]);
        }
    }

    /** A slot for this run's place {@code i}: a freed one first. */
    private int takeSlot(int i) {
        int slot = newSlot();
        placeOfSlot[slot] = i;
        return slot;
    }

    private void freeSlot(int slot) {
        placeOfSlot[slot] = -1;
        everyRun.set(slot, false);
        differing.set(slot, false);
        if (free == freeSlots.length) {
            freeSlots = Arrays.copyOf(freeSlots, free * 2);
        }
        freeSlots[free++] = slot;
    }

    private int newSlot() {
        if (free > 0) {
            return freeSlots[--free];
        }
        if (slots == placeOfSlot.length) {
            int grown = slots * 2;
            placeOfSlot = Arrays.copyOf(placeOfSlot, grown);
            everyRun.grow(grown);
            differing.grow(grown);
        }
        return slots++;
    }

    /** Beside {@code now}, the place in the last run's list ({@link NodeEdits#was}); null unless edits from it. */
    int[] was(NodeEdits edits, List<LaneNode> now) {
        return edits.between(nodes, now) ? edits.was(now.size()) : null;
    }

    int[] fresh() {
        return fresh;
    }

    /** Whether {@code d} was the last run's derivation of a place this run's list does not carry over. */
    boolean wentFrom(NodeEnds.Derived d) {
        return d.went == went;
    }

    /** The place in this run's list of {@code d} while it is its node's derivation there, else -1. */
    int placeOf(NodeEnds.Derived d, NodeEnds.Derived[] now) {
        int s = d.slot;
        int i = s < 0 || s >= slots ? -1 : placeOfSlot[s];
        return i >= 0 && now[i] == d ? i : -1;
    }

    /** This run's places of the nodes derived at every run. */
    int[] everyRun() {
        return everyRun.places(placeOfSlot);
    }

    /** This run's places of the nodes whose label differed at their last look. */
    int[] differing() {
        return differing.places(placeOfSlot);
    }

    /** What this run found at place {@code i}: its derivation, and whether its label differs from it. */
    void looked(int i, NodeEnds.Derived d, List<LanePod> onNode, boolean differs) {
        int s = slotAt[i];
        d.slot = s;
        hasEnd[i] = d.latestMinutes != LaneEnds.NONE;
        everyRun.set(s, d.timeDependent || !(onNode instanceof LaneNodePods));
        differing.set(s, differs);
    }

    /** Slots in use or free (tests: freed slots are taken again, so this stays near the most nodes listed). */
    int slots() {
        return slots;
    }

    /** Whether some node of this run has an expected end. */
    boolean anyEnd() {
        for (boolean e : hasEnd) {
            if (e) {
                return true;
            }
        }
        return false;
    }

    /**
     * Slots flagged, listed so that finding them reads no more than the list: a slot is listed when flagged and
     * dropped from the list when found no longer flagged (or freed).
     */
    private static final class SlotList {
        private boolean[] flagged = new boolean[0];
        private boolean[] listed = new boolean[0];
        private int[] list = new int[8];
        private int count;

        void grow(int slots) {
            flagged = Arrays.copyOf(flagged, slots);
            listed = Arrays.copyOf(listed, slots);
        }

        void set(int slot, boolean on) {
            if (on && !listed[slot]) {
                list = count == list.length ? Arrays.copyOf(list, count * 2) : list;
                list[count++] = slot;
                listed[slot] = true;
            }
            flagged[slot] = on;
        }

        /** The places of the slots still flagged and in use, the others dropped from the list. */
        int[] places(int[] placeOfSlot) {
            int kept = 0;
            for (int k = 0; k < count; k++) {
                int s = list[k];
                if (flagged[s] && placeOfSlot[s] >= 0) {
                    list[kept++] = s;
                } else {
                    listed[s] = false;
                }
            }
            count = kept;
            int[] out = new int[count];
            for (int k = 0; k < count; k++) {
                out[k] = placeOfSlot[list[k]];
            }
            return out;
        }
    }
}
