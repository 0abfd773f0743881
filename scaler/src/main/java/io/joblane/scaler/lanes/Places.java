package io.joblane.scaler.lanes;

import io.joblane.scaler.plan.NodeEdits;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where {@link NodeEnds}' last run left each node's derivation, so that a run handed {@link NodeEdits} copies the
 * untouched places run by run and finds the few places it must look at without reading every node: each node has a
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
    /** Per slot: derived at every run; its label differed at its last look; each in its list. */
    private boolean[] everyRunSlot;

    private boolean[] differingSlot;
    private boolean[] everyRunListed;
    private boolean[] differingListed;
    /** The slots flagged in {@link #everyRunSlot} and {@link #differingSlot} (some may no longer be). */
    private int[] everyRunList = new int[8];

    private int everyRunCount;
    private int[] differingList = new int[8];
    private int differingCount;
    /** This run's places that the edits touched (their derivation to be found). */
    private int[] fresh = new int[0];
    /** The derivations of the last run's places that this run's list no longer holds at an untouched place. */
    private Map<NodeEnds.Derived, Boolean> went = Map.of();

    private Places() {}

    /** After a run that looked at every node: each node gets the slot of its place. */
    static Places after(List<LaneNode> nodes, NodeEnds.Derived[] derived, LanePods pods, boolean[] differs) {
        Places p = new Places();
        int n = derived.length;
        p.nodes = nodes;
        p.derived = derived;
        p.slotAt = new int[n];
        p.placeOfSlot = new int[Math.max(8, n)];
        p.everyRunSlot = new boolean[p.placeOfSlot.length];
        p.differingSlot = new boolean[p.placeOfSlot.length];
        p.everyRunListed = new boolean[p.placeOfSlot.length];
        p.differingListed = new boolean[p.placeOfSlot.length];
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
        // The last run's places not carried over: their slots are freed, their derivations may be found again.
        boolean[] kept = new boolean[derived.length];
        int freshCount = 0;
        for (int w : was) {
            if (w >= 0) {
                kept[w] = true;
            } else {
                freshCount++;
            }
        }
        went = new IdentityHashMap<>();
        for (int q = 0; q < kept.length; q++) {
            if (!kept[q]) {
                went.put(derived[q], Boolean.TRUE);
                freeSlot(slotAt[q]);
            }
        }
        fresh = new int[freshCount];
        int f = 0;
        for (int i = 0; i < n; i++) {
            if (was[i] < 0) {
                fresh[f++] = i;
                slotsNow[i] = newSlot();
            }
        }
        for (int i = 0; i < n; i++) {
            placeOfSlot[slotsNow[i]] = i;
        }
        nodes = now;
        derived = out;
        slotAt = slotsNow;
        hasEnd = endNow;
        return out;
    }

    private void freeSlot(int slot) {
        placeOfSlot[slot] = -1;
        everyRunSlot[slot] = false;
        differingSlot[slot] = false;
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
            everyRunSlot = Arrays.copyOf(everyRunSlot, grown);
            differingSlot = Arrays.copyOf(differingSlot, grown);
            everyRunListed = Arrays.copyOf(everyRunListed, grown);
            differingListed = Arrays.copyOf(differingListed, grown);
        }
        return slots++;
    }

    int[] fresh() {
        return fresh;
    }

    /** Whether {@code d} was the last run's derivation of a place this run's list does not carry over. */
    boolean wentFrom(NodeEnds.Derived d) {
        return went.containsKey(d);
    }

    /** The place in this run's list of {@code d} while it is its node's derivation there, else -1. */
    int placeOf(NodeEnds.Derived d, NodeEnds.Derived[] now) {
        int s = d.slot;
        int i = s < 0 || s >= slots ? -1 : placeOfSlot[s];
        return i >= 0 && now[i] == d ? i : -1;
    }

    /** This run's places of the nodes derived at every run. */
    int[] everyRun() {
        everyRunCount = compact(everyRunList, everyRunCount, everyRunSlot, everyRunListed);
        return placesOf(everyRunList, everyRunCount);
    }

    /** This run's places of the nodes whose label differed at their last look. */
    int[] differing() {
        differingCount = compact(differingList, differingCount, differingSlot, differingListed);
        return placesOf(differingList, differingCount);
    }

    /** Drops the slots no longer flagged, or freed. */
    private int compact(int[] list, int count, boolean[] flagged, boolean[] listed) {
        int out = 0;
        for (int k = 0; k < count; k++) {
            int s = list[k];
            if (flagged[s] && placeOfSlot[s] >= 0) {
                list[out++] = s;
            } else {
                listed[s] = false;
            }
        }
        return out;
    }

    private int[] placesOf(int[] list, int count) {
        int[] out = new int[count];
        for (int k = 0; k < count; k++) {
            out[k] = placeOfSlot[list[k]];
        }
        return out;
    }

    /** What this run found at place {@code i}: its derivation, and whether its label differs from it. */
    void looked(int i, NodeEnds.Derived d, List<LanePod> onNode, boolean differs) {
        int s = slotAt[i];
        d.slot = s;
        hasEnd[i] = d.latestMinutes != LaneEnds.NONE;
        boolean every = d.timeDependent || !(onNode instanceof LaneNodePods);
        if (every && !everyRunListed[s]) {
            everyRunList = add(everyRunList, everyRunCount++, s);
            everyRunListed[s] = true;
        }
        everyRunSlot[s] = every;
        if (differs && !differingListed[s]) {
            differingList = add(differingList, differingCount++, s);
            differingListed[s] = true;
        }
        differingSlot[s] = differs;
    }

    private static int[] add(int[] list, int at, int s) {
        int[] out = at == list.length ? Arrays.copyOf(list, at * 2) : list;
        out[at] = s;
        return out;
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
}
